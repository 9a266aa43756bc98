/**
 * wantedClustersOfPage: the wanted clusters of an ARM list page without parsing the others, and undefined (parse
 * the page whole) whenever the text is not laid out as ARM writes it. Every answer it gives must equal what parsing
 * the whole page and filtering would give.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantedClustersOfPage } from '../../src/azure/clusterListPage';

const SUB = '/subscriptions/f1ee7000-0000-4000-8000-000000000001';
const clusterId = (n: number) => `${SUB}/resourceGroups/rg-fleet/providers/Microsoft.ContainerService/managedClusters/aks-${n}`;

/** A cluster shaped like ARM's (id first), with the nested ids ARM puts in one: outbound IPs, private link. */
function cluster(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: clusterId(n),
    name: `aks-${n}`,
    type: 'Microsoft.ContainerService/ManagedClusters',
    location: 'eastus',
    properties: {
      kubernetesVersion: '1.34.1',
      securityProfile: n % 2 ? { kubernetesResourceObjectEncryptionProfile: { infrastructureEncryption: 'Enabled' } } : {},
      networkProfile: { loadBalancerProfile: { effectiveOutboundIPs: [{ id: `${SUB}/resourceGroups/mc/providers/Microsoft.Network/publicIPAddresses/ip-${n}` }, { id: `${SUB}/resourceGroups/mc/providers/Microsoft.Network/publicIPAddresses/ip-${n}b` }] } },
      privateLinkResources: [{ id: `${clusterId(n)}/privateLinkResources/management`, name: 'management' }],
      note: 'text with },{"id":" and ] inside a string',
      ...extra,
    },
  };
}

const lower = (ids: string[]) => new Set(ids.map((id) => id.toLowerCase()));

/** What parsing the whole page and keeping the wanted clusters gives. */
function reference(text: string, wanted: ReadonlySet<string>) {
  const page = JSON.parse(text) as { value: { id: string }[]; nextLink?: string | null };
  const value = page.value.filter((c) => wanted.has(c.id.toLowerCase()));
  return typeof page.nextLink === 'string' ? { value, nextLink: page.nextLink } : { value };
}

describe('wantedClustersOfPage', () => {
  it('parses just the wanted clusters, in page order, with the nextLink', () => {
    const text = JSON.stringify({ value: [1, 2, 3, 4, 5].map((n) => cluster(n)), nextLink: `https://management.azure.com${SUB}/providers/Microsoft.ContainerService/managedClusters?api-version=2026-10-01&$skipToken=eyJvIjo1fQ` });
    const wanted = lower([clusterId(4), clusterId(2)]);
    const page = wantedClustersOfPage<{ id: string }>(text, wanted);
    assert.ok(page, 'the ARM layout is recognised');
    assert.deepEqual(page, reference(text, wanted));
    assert.deepEqual(page.value.map((c) => c.id), [clusterId(2), clusterId(4)]);
  });

  it('matches ids in any letter case, and a last page without a nextLink or with null', () => {
    const upper = { ...cluster(7), id: clusterId(7).replace('resourceGroups', 'resourcegroups').toUpperCase() };
    for (const text of [JSON.stringify({ value: [cluster(6), upper] }), JSON.stringify({ value: [cluster(6), upper], nextLink: null })]) {
      const wanted = lower([clusterId(7)]);
      const page = wantedClustersOfPage(text, wanted);
      assert.deepEqual(page, reference(text, wanted));
      assert.equal(page?.value.length, 1);
      assert.equal(page?.nextLink, undefined);
    }
  });

  it('an empty page, and a page of which nothing is wanted', () => {
    assert.deepEqual(wantedClustersOfPage('{"value":[]}', lower([clusterId(1)])), { value: [] });
    const text = JSON.stringify({ value: [cluster(1), cluster(2)] });
    assert.deepEqual(wantedClustersOfPage(text, new Set()), { value: [] });
  });

  it('gives up (undefined) on any other layout: pretty-printed, id not first, other members, a ] in the nextLink', () => {
    const wanted = lower([clusterId(1)]);
    const idLast = (n: number) => {
      const { id, ...rest } = cluster(n);
      return { ...rest, id };
    };
    for (const text of [
      JSON.stringify({ value: [cluster(1), cluster(2)] }, null, 2),
      JSON.stringify({ value: [idLast(1), idLast(2)] }),
      JSON.stringify({ nextLink: 'https://x', value: [cluster(1)] }),
      JSON.stringify({ value: [cluster(1)], count: 1 }),
      JSON.stringify({ value: [cluster(1)], nextLink: 'https://[::1]/next' }),
      'not json',
      '',
    ]) {
      assert.equal(wantedClustersOfPage(text, wanted), undefined, text.slice(0, 60));
    }
  });

  it('gives up when an object inside a cluster begins like a cluster, instead of cutting the cluster there', () => {
    // A nested object whose first member is another cluster's id, after a comma: it looks like an item's start.
    const nested = cluster(1, { peers: [{ name: 'x' }, { id: clusterId(2) }] });
    const text = JSON.stringify({ value: [nested, cluster(2), cluster(3)] });
    for (const wanted of [lower([clusterId(1)]), lower([clusterId(2)]), lower([clusterId(1), clusterId(2), clusterId(3)])]) {
      const page = wantedClustersOfPage(text, wanted);
      assert.equal(page, undefined, [...wanted].join(', '));
    }
  });

  it('agrees with parsing the whole page for any choice of wanted clusters', () => {
    const text = JSON.stringify({ value: Array.from({ length: 12 }, (_, n) => cluster(n)), nextLink: 'https://management.azure.com/next?x=1' });
    for (let mask = 0; mask < 1 << 12; mask += 37) {
      const wanted = lower(Array.from({ length: 12 }, (_, n) => n).filter((n) => mask & (1 << n)).map(clusterId));
      assert.deepEqual(wantedClustersOfPage(text, wanted), reference(text, wanted), `mask ${mask}`);
    }
  });
});
