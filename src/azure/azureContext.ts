/** What every adapter needs: the cloud's endpoints and a credential for it. */
import { getClient, type Client } from '@azure-rest/core-client';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient, PipelinePolicy, PipelineRetryOptions } from '@azure/core-rest-pipeline';
import { CloudDefinition, armScope } from './cloud';
import { connectionErrorPolicy } from './connectionErrorPolicy';
import { expiredTokenPolicy } from './expiredTokenPolicy';
import { sharedAgentPolicy } from './sharedAgent';

/** A policy every client adds to its pipeline (the SDKs' `additionalPolicies` entries). */
export interface AdditionalPolicyConfig {
  readonly policy: PipelinePolicy;
  readonly position: 'perCall' | 'perRetry';
}

export interface AzureContext {
  readonly cloud: CloudDefinition;
  readonly credential: TokenCredential;
  /** The directory (Entra tenant) the credential's tokens are for, when known. */
  readonly tenantId?: string;
  /**
   * How the SDK pipelines retry throttling (429/503 with Retry-After), 5xx and dropped connections. Default: the
   * SDK's (3 retries, exponential from 1 s, honouring Retry-After); fault-injection tests lower the delays.
   */
  readonly retryOptions?: PipelineRetryOptions;
  /** Policies added to every client made from this context (e.g. a batch's shared back-off on throttling). */
  readonly additionalPolicies?: readonly AdditionalPolicyConfig[];
}

/** What every client gets besides its endpoint: the retry options, the expired-token and connection-error policies. */
export function pipelineOptions(ctx: AzureContext, scopes: readonly string[] = [armScope(ctx.cloud)]): { retryOptions?: PipelineRetryOptions; additionalPolicies: AdditionalPolicyConfig[] } {
  return {
    ...(ctx.retryOptions ? { retryOptions: ctx.retryOptions } : {}),
    additionalPolicies: [
      // perCall policies run outside the SDK's retries; perRetry ones after the authentication policy, next to the transport.
      { policy: connectionErrorPolicy(), position: 'perCall' },
      { policy: sharedAgentPolicy(), position: 'perCall' },
      { policy: expiredTokenPolicy(ctx.credential, scopes), position: 'perRetry' },
      ...(ctx.additionalPolicies ?? []),
    ],
  };
}

/** Options understood by the modular `@azure/arm-*` clients: point them at the cloud, with its ARM scope. */
export function armClientOptions(ctx: AzureContext): { endpoint: string; credentials: { scopes: string[] }; retryOptions?: PipelineRetryOptions; additionalPolicies: AdditionalPolicyConfig[] } {
  return { endpoint: ctx.cloud.resourceManagerEndpoint, credentials: { scopes: [armScope(ctx.cloud)] }, ...pipelineOptions(ctx) };
}

/**
 * A REST client for calls made as plain JSON (managed clusters, whose preview fields no SDK models; Resource Graph;
 * permissions at a resource): the same endpoint, credential scope, retries and policies as the SDK clients; `httpClient`
 * replaces the SDK's transport (encodedBodyHttpClient.ts).
 */
export function rawArmClient(ctx: AzureContext, httpClient?: HttpClient): Client {
  const options = armClientOptions(ctx);
  return getClient(options.endpoint, ctx.credential, {
    credentials: options.credentials,
    retryOptions: options.retryOptions,
    additionalPolicies: options.additionalPolicies,
    ...(httpClient ? { httpClient } : {}),
  });
}

/** Options understood by the classic (`@azure/core-client`) `@azure/arm-*` clients. */
export function classicArmClientOptions(ctx: AzureContext): { endpoint: string; credentialScopes: string[]; retryOptions?: PipelineRetryOptions; additionalPolicies: AdditionalPolicyConfig[] } {
  return { endpoint: ctx.cloud.resourceManagerEndpoint, credentialScopes: [armScope(ctx.cloud)], ...pipelineOptions(ctx) };
}
