/**
 * encryptionOfPage: the encryption settings of the wanted clusters of an ARM list page without parsing the clusters,
 * and undefined (parse the page whole) whenever the bytes are not laid out as ARM writes them. Every answer it gives
 * must equal what parsing the whole page and reading `properties.securityProfile` gives (encryptionOfWholePage, the
 * fallback, itself checked here against hand-written expectations).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encryptionOfPage, encryptionOfWholePage } from '../../src/azure/clusterListPage';

const SUB = '/subscriptions/f1ee7000-0000-4000-8000-000000000001';
const clusterId = (n: number) => `${SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters/aks-${n}`;
const VAULT = `${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kv1`;

/** Each KMS state, by n: not encrypted, platform keys, customer-managed key, legacy KMS, infrastructure encryption Disabled. */
function securityProfileOf(n: number): Record<string, unknown> {
  switch (n % 5) {
    case 0: return { workloadIdentity: { enabled: true } };
    case 1: return { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
    case 2: return { azureKeyVaultKms: { enabled: true, keyId: 'https://kv1.vault.azure.net/keys/k', keyVaultNetworkAccess: 'Private', keyVaultResourceId: VAULT }, kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } };
    case 3: return { azureKeyVaultKms: { enabled: true, keyId: 'https://kv1.vault.azure.net/keys/k/0123456789abcdef0123456789abcdef', keyVaultNetworkAccess: 'Public' } };
    default: return { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Disabled' } };
  }
}

/** A cluster shaped like ARM's (id first), with the nested ids and nested securityProfile ARM puts in one. */
function cluster(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: clusterId(n),
    name: `aks-${n}`,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'eastus',
    tags: { team: 'Zoë · 平台团队', note: 'text with },{"id":" and ] inside a string' }, // multi-byte UTF-8 before every cut
    properties: {
      kubernetesVersion: '1.34.1',
      agentPoolProfiles: [{ name: 'nodepool1', securityProfile: { enableVTPM: false, enableSecureBoot: false } }],
      networkProfile: { loadBalancerProfile: { effectiveOutboundIPs: [{ id: `${SUB}/resourceGroups/mc/providers/Microsoft.Network/publicIPAddresses/ip-${n}` }, { id: `${SUB}/resourceGroups/mc/providers/Microsoft.Network/publicIPAddresses/ip-${n}b` }] } },
      privateLinkResources: [{ id: `${clusterId(n)}/privateLinkResources/management`, name: 'management' }],
      securityProfile: securityProfileOf(n),
      ...extra,
    },
  };
}

const lower = (ids: string[]) => new Set(ids.map((id) => id.toLowerCase()));
const bytes = (page: unknown, space?: number) => Buffer.from(JSON.stringify(page, null, space));

/** What parsing the whole page and reading each wanted cluster's KMS members gives (the adapter's fallback). */
const reference = (page: unknown, wanted: ReadonlySet<string>) => encryptionOfWholePage(bytes(page), wanted);

describe('encryptionOfPage', () => {
  it('reads the wanted clusters\' settings, in page order, with the nextLink', () => {
    const page = { value: [1, 2, 3, 4, 5].map((n) => cluster(n)), nextLink: `https://management.azure.com${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-10-01&$skipToken=eyJvIjo1fQ` };
    const wanted = lower([clusterId(4), clusterId(2), clusterId(5)]);
    const read = encryptionOfPage(bytes(page), wanted);
    assert.ok(read, 'the ARM layout is recognised');
    assert.deepEqual(read, reference(page, wanted));
    assert.deepEqual(read.value.map((c) => c.securityProfile.kubernetesResourceObjectEncryptionProfile?.infrastructureEncryption), ['Enabled', 'Disabled', undefined]);
    assert.deepEqual(read.value.map((c) => [c.id, Object.keys(c.securityProfile)]), [
      [clusterId(2).toLowerCase(), ['azureKeyVaultKms', 'kubernetesResourceObjectEncryptionProfile']],
      [clusterId(4).toLowerCase(), ['kubernetesResourceObjectEncryptionProfile']],
      [clusterId(5).toLowerCase(), []],
    ]);
  });

  it('matches ids in any letter case; a last page without a nextLink or with null', () => {
    const upper = { ...cluster(7), id: clusterId(7).replace('resourceGroups', 'resourcegroups').toUpperCase() };
    for (const page of [{ value: [cluster(6), upper] }, { value: [cluster(6), upper], nextLink: null }]) {
      const wanted = lower([clusterId(7)]);
      const read = encryptionOfPage(bytes(page), wanted);
      assert.deepEqual(read, reference(page, wanted));
      assert.equal(read?.value.length, 1);
      assert.equal(read?.nextLink, undefined);
    }
  });

  it('an empty page, and a page of which nothing is wanted', () => {
    assert.deepEqual(encryptionOfPage(Buffer.from('{"value":[]}'), lower([clusterId(1)])), { value: [] });
    assert.deepEqual(encryptionOfPage(bytes({ value: [cluster(1), cluster(2)] }), new Set()), { value: [] });
  });

  it('gives up (undefined) on any other layout: pretty-printed, id not first, other members, a ] in the nextLink', () => {
    const wanted = lower([clusterId(1)]);
    const idLast = (n: number) => {
      const { id, ...rest } = cluster(n);
      return { ...rest, id };
    };
    for (const page of [
      bytes({ value: [cluster(1), cluster(2)] }, 2),
      bytes({ value: [idLast(1), idLast(2)] }),
      bytes({ nextLink: 'https://x', value: [cluster(1)] }),
      bytes({ value: [cluster(1)], count: 1 }),
      bytes({ value: [cluster(1)], nextLink: 'https://[::1]/next' }),
      Buffer.from('not json'),
      Buffer.alloc(0),
    ]) {
      assert.equal(encryptionOfPage(page, wanted), undefined, page.toString().slice(0, 60));
    }
  });

  it('gives up when a member is not where or what the spec says: twice, not an object, not flat', () => {
    const wanted = lower([clusterId(2)]);
    const odd = [
      cluster(2, { extra: { azureKeyVaultKms: { enabled: false } } }), // a second object under the same name
      cluster(2, { securityProfile: { azureKeyVaultKms: 'enabled' } }), // a string
      cluster(2, { securityProfile: { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled', nested: { a: 1 } } } }),
      cluster(2, { securityProfile: { azureKeyVaultKms: { enabled: true, keyId: 'https://kv1.vault.azure.net/keys/k}' } } }), // a } in a string
    ];
    for (const c of odd) {
      assert.equal(encryptionOfPage(bytes({ value: [cluster(1), c, cluster(3)] }), wanted), undefined, JSON.stringify(c.properties.securityProfile));
    }
  });

  it('reads past names that end like a member\'s, and gives up when an unwanted cluster has a member twice', () => {
    // The search looks for a member's tail ("Kms":, "ResourceObjectEncryptionProfile":) and checks the name's head.
    const lookAlike = cluster(2, { myAzureKeyVaultKms: { enabled: false }, xKubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Disabled' } });
    const page = { value: [cluster(1), lookAlike, cluster(3)] };
    for (const wanted of [lower([clusterId(2)]), lower([clusterId(1), clusterId(3)])]) {
      const read = encryptionOfPage(bytes(page), wanted);
      assert.ok(read, 'look-alike names do not end the shortcut');
      assert.deepEqual(read, reference(page, wanted));
    }
    const twice = cluster(3, { extra: { azureKeyVaultKms: { enabled: false } } }); // cluster 3 has one in its securityProfile
    assert.equal(encryptionOfPage(bytes({ value: [cluster(2), twice] }), lower([clusterId(2)])), undefined);
  });

  it('gives up when an object inside a cluster begins like a cluster, instead of cutting the cluster there', () => {
    // A nested object whose first member is another listed cluster's id, after a comma: it looks like an item's start.
    const nested = cluster(1, { peers: [{ name: 'x' }, { id: clusterId(2) }] });
    const page = bytes({ value: [nested, cluster(2), cluster(3)] });
    for (const wanted of [lower([clusterId(1)]), lower([clusterId(2)]), lower([clusterId(3)])]) {
      assert.equal(encryptionOfPage(page, wanted), undefined, [...wanted].join(', '));
    }
  });

  it('agrees with parsing the whole page for any choice of wanted clusters', () => {
    const page = { value: Array.from({ length: 12 }, (_, n) => cluster(n)), nextLink: 'https://management.azure.com/next?x=1' };
    for (let mask = 0; mask < 1 << 12; mask += 37) {
      const wanted = lower(Array.from({ length: 12 }, (_, n) => n).filter((n) => mask & (1 << n)).map(clusterId));
      assert.deepEqual(encryptionOfPage(bytes(page), wanted), reference(page, wanted), `mask ${mask}`);
    }
  });
});
