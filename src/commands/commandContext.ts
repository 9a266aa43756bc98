/** What every command needs; built once in activate(). */
import type { AzureAccount } from '../azure/account';
import type { FleetTreeProvider } from '../views/fleetTree';
import type { Log } from '../views/log';

export interface CommandContext {
  readonly extensionUri: import('vscode').Uri;
  readonly account: AzureAccount;
  readonly tree: FleetTreeProvider;
  readonly log: Log;
}
