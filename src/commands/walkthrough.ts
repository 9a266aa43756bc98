/** "Get Started": opens the extension's walkthrough on the Welcome page. */
import * as vscode from 'vscode';

export function registerWalkthrough(extensionId: string): vscode.Disposable {
  return vscode.commands.registerCommand('aksKms.openWalkthrough', () =>
    vscode.commands.executeCommand('workbench.action.openWalkthrough', `${extensionId}#aksKms.gettingStarted`, false),
  );
}
