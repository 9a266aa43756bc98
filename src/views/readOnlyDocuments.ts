/**
 * Read-only documents for things the extension shows but the user must not edit or be asked to save (e.g. a
 * cluster's security profile): a content provider over an in-memory map, under the `aks-kms` scheme.
 */
import * as vscode from 'vscode';

export const READ_ONLY_SCHEME = 'aks-kms';

export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(READ_ONLY_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Sets (or refreshes) the content of the read-only document at `path`, without opening it; returns its URI. */
  put(path: string, content: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: READ_ONLY_SCHEME, path });
    this.contents.set(uri.toString(), content);
    this.changed.fire(uri);
    return uri;
  }

  /** Opens (or refreshes) a read-only document at `path` with `content`. */
  async show(path: string, content: string, language: string): Promise<vscode.TextEditor> {
    const uri = this.put(path, content);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, language);
    return vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
