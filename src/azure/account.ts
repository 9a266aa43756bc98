/**
 * The signed-in Azure account for the configured cloud: which cloud, which credential (VS Code's authentication
 * provider, or the Azure CLI's login when the user prefers `az login`), and whether we are signed in.
 */
import type { TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import type { AzureContext } from './azureContext';
import { armScope, CloudDefinition, CloudResolution, CustomCloudSetting, resolveCloud } from './cloud';
import { sessionScopes, VsCodeAuthCredential } from './vscodeCredential';

export type AuthenticationMode = 'vscode' | 'azureCli';

export interface AccountStatus {
  readonly signedIn: boolean;
  readonly accountLabel?: string;
  /** Why the cloud settings cannot be used, as sentences that say how to fix them. */
  readonly problems?: string[];
}

export class AzureAccount implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccountStatus>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private resolution: CloudResolution = { ok: false, problems: [] };
  private mode: AuthenticationMode = 'vscode';
  private credential?: TokenCredential;
  private current: AccountStatus = { signedIn: false };

  constructor() {
    this.readSettings();
    this.disposables.push(
      vscode.authentication.onDidChangeSessions(e => {
        if (this.resolution.ok && e.provider.id === this.resolution.cloud.authProviderId) {
          void this.refreshStatus();
        }
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('aksKms')) {
          this.readSettings();
          void this.refreshStatus();
        }
      }),
    );
  }

  get status(): AccountStatus {
    return this.current;
  }

  get cloud(): CloudDefinition | undefined {
    return this.resolution.ok ? this.resolution.cloud : undefined;
  }

  /** The cloud and credential for adapters; undefined while signed out or misconfigured. */
  get context(): AzureContext | undefined {
    return this.resolution.ok && this.credential && this.current.signedIn ? { cloud: this.resolution.cloud, credential: this.credential } : undefined;
  }

  private readSettings(): void {
    const config = vscode.workspace.getConfiguration('aksKms');
    this.resolution = resolveCloud(config.get('cloud'), config.get<CustomCloudSetting>('customCloud'));
    this.mode = config.get<AuthenticationMode>('authentication') === 'azureCli' ? 'azureCli' : 'vscode';
    this.credential = undefined;
    if (this.resolution.ok) {
      const cloud = this.resolution.cloud;
      const tenant = config.get<string>('tenantId') || cloud.tenantId;
      this.credential = this.mode === 'azureCli' ? lazyAzureCliCredential(tenant) : new VsCodeAuthCredential(cloud, tenant);
    }
  }

  /** Checks for an existing sign-in without prompting. */
  async refreshStatus(): Promise<AccountStatus> {
    let next: AccountStatus;
    if (!this.resolution.ok) {
      next = { signedIn: false, problems: this.resolution.problems };
    } else if (this.mode === 'azureCli') {
      next = await this.azureCliStatus(this.resolution.cloud);
    } else {
      const cloud = this.resolution.cloud;
      const problem = sovereignSettingProblem(cloud);
      if (problem) {
        next = { signedIn: false, problems: [problem] };
      } else {
        const session = await this.getSession(cloud, { silent: true }).catch(() => undefined);
        next = session ? { signedIn: true, accountLabel: session.account.label } : { signedIn: false };
      }
    }
    this.update(next);
    return next;
  }

  /** Interactive sign-in through the cloud's authentication provider (or a check of `az login`). */
  async signIn(): Promise<AccountStatus> {
    if (!this.resolution.ok) {
      return this.refreshStatus();
    }
    const cloud = this.resolution.cloud;
    if (this.mode === 'azureCli') {
      return this.refreshStatus();
    }
    const problem = sovereignSettingProblem(cloud);
    if (problem) {
      this.update({ signedIn: false, problems: [problem] });
      return this.current;
    }
    const session = await this.getSession(cloud, { createIfNone: true });
    this.update({ signedIn: true, accountLabel: session.account.label });
    return this.current;
  }

  private getSession(cloud: CloudDefinition, options: vscode.AuthenticationGetSessionOptions & { createIfNone: true }): Promise<vscode.AuthenticationSession>;
  private getSession(cloud: CloudDefinition, options: vscode.AuthenticationGetSessionOptions): Promise<vscode.AuthenticationSession | undefined>;
  private getSession(cloud: CloudDefinition, options: vscode.AuthenticationGetSessionOptions): Promise<vscode.AuthenticationSession | undefined> {
    const tenant = vscode.workspace.getConfiguration('aksKms').get<string>('tenantId') || cloud.tenantId;
    return Promise.resolve(vscode.authentication.getSession(cloud.authProviderId, sessionScopes([armScope(cloud)], tenant), options));
  }

  private async azureCliStatus(cloud: CloudDefinition): Promise<AccountStatus> {
    try {
      await this.credential?.getToken(armScope(cloud));
      return { signedIn: true, accountLabel: vscode.l10n.t('Azure CLI account') };
    } catch (err) {
      return { signedIn: false, problems: [vscode.l10n.t('The Azure CLI is not signed in: run "az login" (and "az cloud set" for {0}), then refresh. ({1})', cloud.displayName, String((err as Error).message ?? err))] };
    }
  }

  private update(next: AccountStatus): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    void vscode.commands.executeCommand('setContext', 'aksKms.signedIn', next.signedIn);
    void vscode.commands.executeCommand('setContext', 'aksKms.cloudProblem', (next.problems?.length ?? 0) > 0);
    if (changed) {
      this.changed.fire(next);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

/** `microsoft-sovereign-cloud` serves one environment at a time, chosen by its own setting. */
function sovereignSettingProblem(cloud: CloudDefinition): string | undefined {
  if (!cloud.sovereignEnvironment) {
    return undefined;
  }
  const configured = vscode.workspace.getConfiguration('microsoft-sovereign-cloud').get<string>('environment');
  return configured === cloud.sovereignEnvironment
    ? undefined
    : vscode.l10n.t('To sign in to {0}, set "microsoft-sovereign-cloud.environment" to "{1}" in your settings.', cloud.displayName, cloud.sovereignEnvironment);
}

/** `@azure/identity` is large (its own lazy bundle, cliCredential.ts); load it only for users who chose the Azure CLI login. */
function lazyAzureCliCredential(tenantId: string | undefined): TokenCredential {
  let inner: TokenCredential | undefined;
  return {
    async getToken(scopes, options) {
      if (!inner) {
        const { AzureCliCredential } = await import('./cliCredential');
        inner = new AzureCliCredential(tenantId ? { tenantId } : {});
      }
      return inner.getToken(scopes, options);
    },
  };
}
