/**
 * Claims of the signed-in ARM access token: the user's object id (`oid`, AZURE.md) and tenant (`tid`). Read without
 * verifying the signature — Azure verifies tokens; we only need to know who we are acting as.
 */
import type { AzureContext } from './azureContext';

export interface TokenIdentity {
  readonly oid?: string;
  readonly tid?: string;
  /** `app` for a service principal's token, `user` for a person's (Microsoft identity platform access-token claims). */
  readonly idtyp?: string;
}

/** The role-assignment principal type of the signed-in caller, from the token's `idtyp` claim. */
export function principalTypeOf(identity: TokenIdentity): 'User' | 'ServicePrincipal' {
  return identity.idtyp?.toLowerCase() === 'app' ? 'ServicePrincipal' : 'User';
}

export async function tokenIdentity(ctx: AzureContext): Promise<TokenIdentity> {
  const token = await ctx.credential.getToken(`${ctx.cloud.resourceManagerEndpoint}/.default`);
  const payload = token?.token.split('.')[1];
  if (!payload) {
    return {};
  }
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenIdentity;
  } catch {
    return {};
  }
}
