/** What every adapter needs: the cloud's endpoints and a credential for it. */
import type { TokenCredential } from '@azure/core-auth';
import { CloudDefinition, armScope } from './cloud';

export interface AzureContext {
  readonly cloud: CloudDefinition;
  readonly credential: TokenCredential;
}

/** Options understood by the modular `@azure/arm-*` clients: point them at the cloud, with its ARM scope. */
export function armClientOptions(ctx: AzureContext): { endpoint: string; credentials: { scopes: string[] } } {
  return { endpoint: ctx.cloud.resourceManagerEndpoint, credentials: { scopes: [armScope(ctx.cloud)] } };
}

/** Options understood by the classic (`@azure/core-client`) `@azure/arm-*` clients. */
export function classicArmClientOptions(ctx: AzureContext): { endpoint: string; credentialScopes: string[] } {
  return { endpoint: ctx.cloud.resourceManagerEndpoint, credentialScopes: [armScope(ctx.cloud)] };
}
