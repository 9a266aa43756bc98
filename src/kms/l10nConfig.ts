/** The domain core localises through @vscode/l10n; each bundle that carries a copy of it is given the translations. */
import * as l10n from '@vscode/l10n';

/** `contents` is vscode.l10n.bundle: undefined for English, which needs no bundle. */
export function configureDomainL10n(contents: l10n.l10nJsonFormat | undefined): void {
  if (contents) {
    l10n.config({ contents });
  }
}
