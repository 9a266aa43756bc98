/** User-assigned managed identities (`@azure/arm-msi`). */
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { parseArmId } from '../kms/armId';
import type { IdentityFacts } from '../kms/enable/facts';
import type { NewIdentitySpec } from '../kms/enable/ports';
import { AzureContext, classicArmClientOptions } from './azureContext';
import { isNotFound } from './errors';

function client(ctx: AzureContext, subscriptionId: string): ManagedServiceIdentityClient {
  return new ManagedServiceIdentityClient(ctx.credential, subscriptionId, classicArmClientOptions(ctx));
}

export async function getIdentity(ctx: AzureContext, identityId: string, signal?: AbortSignal): Promise<IdentityFacts | undefined> {
  const id = parseArmId(identityId);
  if (!id) {
    return undefined;
  }
  try {
    const identity = await client(ctx, id.subscriptionId).userAssignedIdentities.get(id.resourceGroup, id.name, { abortSignal: signal });
    return { id: identity.id ?? identityId, name: identity.name ?? id.name, principalId: identity.principalId ?? '', clientId: identity.clientId };
  } catch (err) {
    if (isNotFound(err)) {
      return undefined;
    }
    throw err;
  }
}

export async function createIdentity(ctx: AzureContext, spec: NewIdentitySpec, signal?: AbortSignal): Promise<IdentityFacts> {
  const identity = await client(ctx, spec.subscriptionId).userAssignedIdentities.createOrUpdate(spec.resourceGroup, spec.name, { location: spec.location }, { abortSignal: signal });
  return { id: identity.id ?? spec.id, name: identity.name ?? spec.name, principalId: identity.principalId ?? '', clientId: identity.clientId };
}

/** User-assigned identities in a subscription, for the wizard's "existing identity" choice. */
export async function listIdentities(ctx: AzureContext, subscriptionId: string, signal?: AbortSignal): Promise<IdentityFacts[]> {
  const result: IdentityFacts[] = [];
  for await (const i of client(ctx, subscriptionId).userAssignedIdentities.listBySubscription({ abortSignal: signal })) {
    if (i.id && i.name) {
      result.push({ id: i.id, name: i.name, principalId: i.principalId ?? '', clientId: i.clientId });
    }
  }
  return result.sort((a, b) => a.name.localeCompare(b.name));
}
