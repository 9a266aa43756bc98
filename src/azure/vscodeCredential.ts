/**
 * A `TokenCredential` over VS Code's authentication API: tokens come from the cloud's authentication provider
 * (`microsoft` for Azure, `microsoft-sovereign-cloud` for every other cloud), one directory at a time.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
// The library's small modules, imported one by one: its index also loads the subscription client (~580 KB), which
// stays in the lazy Azure bundle (directories.ts).
import { getSessionFromVSCode } from '@microsoft/vscode-azext-azureauth/out/src/getSessionFromVSCode';
import * as vscode from 'vscode';
import type { CloudDefinition } from './cloud';

/** Reads `exp` from a JWT access token without verifying it (the service verifies; we only schedule refreshes). */
export function tokenExpiry(accessToken: string): number | undefined {
  const payload = accessToken.split('.')[1];
  if (!payload) {
    return undefined;
  }
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export class SignInRequiredError extends Error {
  constructor(cloud: CloudDefinition) {
    super(vscode.l10n.t('Sign in to {0} first (command "AKS KMS: Sign in to Azure").', cloud.displayName));
    this.name = 'SignInRequiredError';
  }
}

/**
 * Tokens for one directory (and account) through the Azure sign-in library's `getSessionFromVSCode`: the configured
 * cloud's provider, the `VSCODE_TENANT:` directive, silent first. A resource not yet consented (Key Vault after ARM)
 * may prompt, but only when the account is signed in to that directory at all.
 */
export class VsCodeAuthCredential implements TokenCredential {
  constructor(
    private readonly cloud: CloudDefinition,
    private readonly tenantId?: string,
    private readonly account?: vscode.AuthenticationSessionAccountInformation,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const requested = Array.isArray(scopes) ? scopes : [scopes];
    const tenantId = options?.tenantId ?? this.tenantId;
    let session = await getSessionFromVSCode(requested, tenantId, { silent: true, account: this.account });
    if (!session) {
      const signedIn = await getSessionFromVSCode([`${this.cloud.resourceManagerEndpoint}/.default`], tenantId, { silent: true, account: this.account });
      if (!signedIn) {
        throw new SignInRequiredError(this.cloud);
      }
      session = await getSessionFromVSCode(requested, tenantId, { createIfNone: true, account: this.account });
    }
    if (!session) {
      throw new SignInRequiredError(this.cloud);
    }
    return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken) ?? Date.now() + 5 * 60_000 };
  }
}
