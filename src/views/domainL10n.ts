/** The domain core (src/kms, src/azure/cloud.ts) localises through @vscode/l10n: give it the extension's bundle. */
import * as vscode from 'vscode';
import { configureDomainL10n as configure } from '../kms/l10nConfig';

/** Call first in activate(), before anything builds a message; English has no bundle and needs nothing. */
export function configureDomainL10n(): void {
  configure(vscode.l10n.bundle);
}
