/**
 * The signed-in Azure accounts for the cloud VS Code's settings select (`microsoft-sovereign-cloud.*`, as every
 * Azure extension reads them), which credential to use (VS Code's authentication through the Azure extensions'
 * sign-in library, or the Azure CLI's login when the user prefers `az login`), and which directory (tenant) each
 * subscription belongs to, so every call carries a token of the right directory.
 */
import type { TokenCredential } from '@azure/core-auth';
import { getSessionFromVSCode } from '@microsoft/vscode-azext-azureauth/out/src/getSessionFromVSCode';
import * as vscode from 'vscode';
import type { AzureContext } from './azureContext';
import { armScope, CloudDefinition, CloudResolution, CustomEnvironmentSetting, resolveCloud } from './cloud';
import { CachingCredential } from './cachingCredential';
import type { DirectoryListing } from './directories';
import { VsCodeAuthCredential } from './vscodeCredential';

export type AuthenticationMode = 'vscode' | 'azureCli';

export interface AccountStatus {
  readonly signedIn: boolean;
  readonly accountLabel?: string;
  /** Why the cloud settings cannot be used, as sentences that say how to fix them. */
  readonly problems?: string[];
}

type Account = vscode.AuthenticationSessionAccountInformation;

/** The VS Code settings that choose the cloud: the built-in Microsoft authentication's own. */
export const CLOUD_SETTINGS_SECTION = 'microsoft-sovereign-cloud';

export class AzureAccount implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AccountStatus>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private resolution: CloudResolution = { ok: false, problems: [] };
  private mode: AuthenticationMode = 'vscode';
  private current: AccountStatus = { signedIn: false };
  /** Subscription id (lower case) → the directory and account it was listed in. */
  private readonly directoryOfSubscription = new Map<string, { tenantId: string; account?: Account }>();
  private readonly credentials = new Map<string, TokenCredential>();

  constructor() {
    this.readSettings();
    this.disposables.push(
      vscode.authentication.onDidChangeSessions(e => {
        if (this.resolution.ok && e.provider.id === this.resolution.cloud.authProviderId) {
          void this.refreshStatus();
        }
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('aksKms.authentication') || e.affectsConfiguration(CLOUD_SETTINGS_SECTION)) {
          this.readSettings();
          // Another cloud is another fleet: listeners reload even when the signed-in state stays the same.
          void this.refreshStatus(true);
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

  get authenticationMode(): AuthenticationMode {
    return this.mode;
  }

  /** The cloud and a credential for the account's home directory; undefined while signed out or misconfigured. */
  get context(): AzureContext | undefined {
    return this.contextFor(undefined);
  }

  /** The cloud and a credential for one directory (and account); undefined while signed out or misconfigured. */
  contextFor(tenantId: string | undefined, account?: Account): AzureContext | undefined {
    if (!this.resolution.ok || !this.current.signedIn) {
      return undefined;
    }
    const cloud = this.resolution.cloud;
    const key = `${tenantId ?? ''}|${account?.id ?? ''}`;
    let credential = this.credentials.get(key);
    if (!credential) {
      credential = new CachingCredential(this.mode === 'azureCli' ? lazyAzureCliCredential(tenantId) : new VsCodeAuthCredential(cloud, tenantId, account));
      this.credentials.set(key, credential);
    }
    return { cloud, credential, ...(tenantId ? { tenantId } : {}) };
  }

  /** The context for a subscription's own directory (the home directory for one not listed yet). */
  contextForSubscription(subscriptionId: string): AzureContext | undefined {
    const directory = this.directoryOfSubscription.get(subscriptionId.toLowerCase());
    return this.contextFor(directory?.tenantId, directory?.account);
  }

  /** The directory a listed subscription belongs to. */
  tenantOfSubscription(subscriptionId: string): string | undefined {
    return this.directoryOfSubscription.get(subscriptionId.toLowerCase())?.tenantId;
  }

  /** Records which directory each listed subscription belongs to (the tree calls this after every listing). */
  rememberDirectories(directories: readonly DirectoryListing[]): void {
    for (const d of directories) {
      for (const s of d.subscriptions) {
        this.directoryOfSubscription.set(s.subscriptionId.toLowerCase(), { tenantId: d.tenantId, account: d.account });
      }
    }
  }

  private readSettings(): void {
    const cloudConfig = vscode.workspace.getConfiguration(CLOUD_SETTINGS_SECTION);
    this.resolution = resolveCloud(cloudConfig.get('environment'), cloudConfig.get<CustomEnvironmentSetting>('customEnvironment'));
    this.mode = vscode.workspace.getConfiguration('aksKms').get<AuthenticationMode>('authentication') === 'azureCli' ? 'azureCli' : 'vscode';
    this.credentials.clear();
    this.directoryOfSubscription.clear();
  }

  /**
   * Checks for an existing sign-in (any account of the cloud's provider) without prompting. `announce`: tell the
   * listeners even when the status is unchanged (the cloud or the directories changed under it).
   */
  async refreshStatus(announce = false): Promise<AccountStatus> {
    let next: AccountStatus;
    if (!this.resolution.ok) {
      next = { signedIn: false, problems: this.resolution.problems };
    } else if (this.mode === 'azureCli') {
      next = await this.azureCliStatus(this.resolution.cloud);
    } else {
      const accounts = await Promise.resolve(vscode.authentication.getAccounts(this.resolution.cloud.authProviderId)).catch(() => [] as readonly Account[]);
      let signedInAs: Account | undefined;
      for (const account of accounts) {
        const session = await getSessionFromVSCode([], undefined, { silent: true, account }).catch(() => undefined);
        if (session) {
          signedInAs = account;
          break;
        }
      }
      next = signedInAs ? { signedIn: true, accountLabel: accounts.length > 1 ? vscode.l10n.t('{0} and {1} more', signedInAs.label, accounts.length - 1) : signedInAs.label } : { signedIn: false };
    }
    this.update(next, announce);
    return next;
  }

  /** Interactive sign-in through the cloud's authentication provider (or a check of `az login`). */
  async signIn(): Promise<AccountStatus> {
    if (!this.resolution.ok || this.mode === 'azureCli') {
      return this.refreshStatus();
    }
    // No account given: VS Code shows its account picker, as the Azure extensions' "Sign in" does.
    await getSessionFromVSCode([], undefined, { createIfNone: true, clearSessionPreference: true });
    return this.refreshStatus();
  }

  /** Interactive sign-in to one directory (one that wants MFA or another conditional-access step). */
  async signInToDirectory(tenantId: string, account?: Account): Promise<AccountStatus> {
    if (!this.resolution.ok || this.mode === 'azureCli') {
      return this.refreshStatus();
    }
    await getSessionFromVSCode([], tenantId, { createIfNone: true, account });
    return this.refreshStatus(true);
  }

  private async azureCliStatus(cloud: CloudDefinition): Promise<AccountStatus> {
    try {
      await lazyAzureCliCredential(undefined).getToken(armScope(cloud));
      return { signedIn: true, accountLabel: vscode.l10n.t('Azure CLI account') };
    } catch (err) {
      return { signedIn: false, problems: [vscode.l10n.t('The Azure CLI is not signed in: run "az login" (and "az cloud set" for {0}), then refresh. ({1})', cloud.displayName, String((err as Error).message ?? err))] };
    }
  }

  private update(next: AccountStatus, announce = false): void {
    const changed = JSON.stringify(next) !== JSON.stringify(this.current);
    this.current = next;
    void vscode.commands.executeCommand('setContext', 'aksKms.signedIn', next.signedIn);
    void vscode.commands.executeCommand('setContext', 'aksKms.cloudProblem', (next.problems?.length ?? 0) > 0);
    if (changed || announce) {
      this.changed.fire(next);
    }
  }

  dispose(): void {
    for (const d of this.disposables) {
      d.dispose();
    }
  }
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
