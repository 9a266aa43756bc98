/** The domain core (src/kms, src/azure/cloud.ts) localises through @vscode/l10n: give it the extension's bundle. */
import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';

/** Call first in activate(), before anything builds a message; English has no bundle and needs nothing. */
export function configureDomainL10n(): void {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
}
