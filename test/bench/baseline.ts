/**
 * The baselines the bench compares the product with — what a user without the extension does:
 * - `baselineListClusters`: a loop over `az aks list --subscription <s>`: one managed-clusters list call per
 *   subscription (following nextLink), one subscription after another, at the product's preview api-version so it
 *   learns every cluster's KMS state (a stable api-version would not show platform keys at all).
 * - `baselineEnableCmk`: the docs page's commands in the docs' order, one after another, through the product's own
 *   src/azure adapters (so only the ordering differs, not the clients): register the feature and wait for it,
 *   re-register the provider, create the vault, give the user Crypto Officer, create the key, create the identity,
 *   give it Crypto User and Key Vault Contributor, `az aks update`, `az aks show`.
 */
import { getClient } from '@azure-rest/core-client';
import type { AzureContext } from '../../src/azure/azureContext';
import { armClientOptions } from '../../src/azure/azureContext';
import { azureErrorCode } from '../../src/azure/errors';
import { getKmsFeatureState, registerContainerServiceProvider, registerKmsFeature } from '../../src/azure/features';
import { createIdentity } from '../../src/azure/identities';
import { createVault } from '../../src/azure/keyVault';
import { createRsaKey } from '../../src/azure/keyVaultData';
import { DEFAULT_MANAGED_CLUSTERS_API_VERSION, ManagedClustersAdapter } from '../../src/azure/managedClusters';
import { createRoleAssignment } from '../../src/azure/roleAssignments';
import { applyCmk } from '../../src/kms/enable/clusterUpdate';
import { ROLES, RoleName } from '../../src/kms/enable/config';
import { roleAssignmentName } from '../../src/kms/enable/roleAssignmentName';
import { ClusterFacts, clusterFactsOf } from '../../src/kms/kmsState';
import type { ManagedClusterJson } from '../../src/kms/managedCluster';
import { isRolePropagationDenial, retryWhile, ROLE_PROPAGATION_RETRY } from '../../src/kms/plan/retry';

/** `az aks list` per subscription, sequentially, every page; the clusters' facts as the product would classify them. */
export async function baselineListClusters(
  ctx: AzureContext,
  subscriptionIds: readonly string[],
  onPage: (clusters: ClusterFacts[]) => void = () => undefined,
  apiVersion = DEFAULT_MANAGED_CLUSTERS_API_VERSION,
): Promise<ClusterFacts[]> {
  // The same pipeline options the product's clients get (scopes, retry policy, additional policies).
  const { endpoint, ...options } = armClientOptions(ctx);
  const client = getClient(endpoint, ctx.credential, options);
  const facts: ClusterFacts[] = [];
  for (const subscriptionId of subscriptionIds) {
    let response = await client
      .pathUnchecked(`/subscriptions/${subscriptionId}/providers/Microsoft.ContainerService/managedClusters`)
      .get({ queryParameters: { 'api-version': apiVersion } });
    for (;;) {
      if (response.status !== '200') throw new Error(`az aks list --subscription ${subscriptionId}: HTTP ${response.status}`);
      const page = response.body as { value?: ManagedClusterJson[]; nextLink?: string };
      const clusters = (page.value ?? []).map((c) => clusterFactsOf(c));
      facts.push(...clusters);
      onPage(clusters);
      if (!page.nextLink) break;
      // nextLink is absolute and carries the api-version.
      response = await client.pathUnchecked(page.nextLink).get();
    }
  }
  return facts;
}

export interface BaselineEnableInput {
  readonly clusterId: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly userObjectId: string;
  readonly resourceGroup: string;
  readonly location: string;
  readonly vaultName: string;
  readonly keyName: string;
  readonly identityName: string;
  readonly networkAccess: 'Public' | 'Private';
}

export interface BaselineTimings {
  /** Each command's start and end (ms since the flow began), in the order they ran. */
  readonly commands: { readonly name: string; readonly startMs: number; readonly endMs: number }[];
}

/**
 * The docs' CMK commands one after another. Waits use `sleep` with the product's own policies (feature polling 2 s
 * doubling to 30 s; a 403 or AKS's identity-permission error right after a role assignment retried like the plan's
 * RBAC-propagation retry), so the only difference from the product is that nothing overlaps.
 */
export async function baselineEnableCmk(
  ctx: AzureContext,
  input: BaselineEnableInput,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): Promise<BaselineTimings> {
  const started = performance.now();
  const commands: BaselineTimings['commands'] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const startMs = performance.now() - started;
    const result = await run();
    commands.push({ name, startMs, endMs: performance.now() - started });
    return result;
  };
  const afterRoleAssignment = <T>(operation: () => Promise<T>, retryOn: (err: unknown) => boolean) =>
    retryWhile(operation, retryOn, { ...ROLE_PROPAGATION_RETRY, sleep });
  const sub = input.subscriptionId;
  const rg = input.resourceGroup;

  // 1–3. az feature register; az feature show … until Registered; az provider register.
  await step('az feature register', () => registerKmsFeature(ctx, sub));
  await step('az feature show (until Registered)', async () => {
    let delay = 2_000;
    while (!/^registered$/i.test(await getKmsFeatureState(ctx, sub))) {
      await sleep(delay);
      delay = Math.min(30_000, delay * 2);
    }
  });
  await step('az provider register', () => registerContainerServiceProvider(ctx, sub));

  // 4. az keyvault create --enable-rbac-authorization (waits for the vault).
  const vaultId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${input.vaultName}`;
  const vault = await step('az keyvault create', () =>
    createVault(ctx, { id: vaultId, name: input.vaultName, resourceGroup: rg, subscriptionId: sub, location: input.location, tenantId: input.tenantId }),
  );

  const assign = (role: RoleName, principalId: string, principalType: 'User' | 'ServicePrincipal') =>
    step(`az role assignment create (${role})`, () =>
      createRoleAssignment(ctx, { scope: vaultId, name: roleAssignmentName(vaultId, principalId, ROLES[role]), principalId, principalType, roleGuid: ROLES[role] }),
    );

  // 5. Key Vault Crypto Officer for the signed-in user; 6. az keyvault key create (403 until the role propagates).
  await assign('keyVaultCryptoOfficer', input.userObjectId, 'User');
  await step('az keyvault key create', () => afterRoleAssignment(() => createRsaKey(ctx, vault.vaultUri, input.keyName), isRolePropagationDenial));

  // 7. az identity create; 8–9. Crypto User and Key Vault Contributor for it.
  const identityId = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${input.identityName}`;
  const identity = await step('az identity create', () => createIdentity(ctx, { id: identityId, name: input.identityName, resourceGroup: rg, subscriptionId: sub, location: input.location }));
  await assign('keyVaultCryptoUser', identity.principalId, 'ServicePrincipal');
  await assign('keyVaultContributor', identity.principalId, 'ServicePrincipal');

  // 10. az aks update (GET, PUT, wait for the LRO); AKS refuses until the identity's role has propagated.
  const clusters = new ManagedClustersAdapter(ctx);
  const keyId = `${vault.vaultUri.replace(/\/+$/, '')}/keys/${input.keyName}`;
  const denied = (err: unknown) => azureErrorCode(err).code === 'AzureKeyVaultKmsValidateIdentityPermissionCustomerError';
  await step('az aks update', () =>
    afterRoleAssignment(async () => {
      const current = await clusters.get(input.clusterId);
      return clusters.put(input.clusterId, applyCmk(current, { keyId, keyVaultResourceId: vaultId, networkAccess: input.networkAccess, identityId }), () => undefined);
    }, denied),
  );

  // 11. az aks show --query securityProfile.
  await step('az aks show', () => clusters.get(input.clusterId));
  return { commands };
}
