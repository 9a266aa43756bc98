/**
 * A `TokenCredential` over VS Code's authentication API: tokens come from the cloud's authentication provider
 * (`microsoft`, `microsoft-sovereign-cloud`, or a custom cloud's own provider). One path for every cloud.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import type { CloudDefinition } from './cloud';

/** Scopes for VS Code's Microsoft providers: the resource scopes plus an optional tenant directive. */
export function sessionScopes(scopes: readonly string[], tenantId?: string): string[] {
  const result = [...scopes];
  if (tenantId) {
    result.push(`VSCODE_TENANT:${tenantId}`);
  }
  return result;
}

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

export class VsCodeAuthCredential implements TokenCredential {
  constructor(
    private readonly cloud: CloudDefinition,
    private readonly tenantId?: string,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const requested = sessionScopes(Array.isArray(scopes) ? scopes : [scopes], options?.tenantId ?? this.tenantId);
    let session = await vscode.authentication.getSession(this.cloud.authProviderId, requested, { silent: true });
    if (!session) {
      // A new resource (e.g. Key Vault after ARM) may need consent; ask only when the user is signed in at all.
      const signedIn = await vscode.authentication.getSession(this.cloud.authProviderId, sessionScopes([`${this.cloud.resourceManagerEndpoint}/.default`], this.tenantId), { silent: true });
      if (!signedIn) {
        throw new SignInRequiredError(this.cloud);
      }
      session = await vscode.authentication.getSession(this.cloud.authProviderId, requested, { createIfNone: true });
    }
    return { token: session.accessToken, expiresOnTimestamp: tokenExpiry(session.accessToken) ?? Date.now() + 5 * 60_000 };
  }
}
