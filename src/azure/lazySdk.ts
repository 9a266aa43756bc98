/**
 * The one door to dist/azure.js (sdk.ts and the Azure SDK clients it reaches). The first call `require`s the bundle;
 * later calls share it. That bundle carries its own copy of @vscode/l10n, so it is handed the extension's
 * translations as it loads — otherwise preflight sentences built there would stay English under a language pack.
 */
import * as vscode from 'vscode';
import type * as Sdk from './sdk';

export type AzureSdk = typeof Sdk;

let loading: Promise<AzureSdk> | undefined;

export function azureSdk(): Promise<AzureSdk> {
  loading ??= import('./sdk').then(sdk => {
    sdk.configureDomainL10n(vscode.l10n.bundle);
    return sdk;
  });
  return loading;
}
