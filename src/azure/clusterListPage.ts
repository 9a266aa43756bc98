/**
 * The encryption settings of the wanted clusters of an ARM managed-cluster list page, without parsing the clusters.
 * Confirming a subscription's "unknown" clusters lists all of them (ARM has no `$select` or id filter for this list),
 * and parsing was most of the cost: a 10,000-cluster fleet is ~37 MB of JSON, of which the confirmation needs two
 * small objects per cluster (Resource Graph gave everything else).
 *
 * Hand-written because no JSON library skips values faster than the native `JSON.parse` reads them: this finds where
 * each cluster begins and where its two members are with `Buffer.indexOf`, and decodes and parses only those members.
 * Anything unexpected (another layout, pretty-printed JSON, a member twice or not a flat object, a cluster listed
 * twice) returns undefined, and the caller parses the page whole: the shortcut can make a page slower, never wrong.
 */
import type { ManagedClusterJson, SecurityProfileJson } from '../kms/managedCluster';

/** A cluster's own id (managedClusters.json: `ManagedCluster.id`), not an id of something nested inside it. */
const CLUSTER_ID = /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/i;
/**
 * How a list item begins: an object whose first member is its id (ARM writes each resource's `id` first), right after
 * the array's `[` or an item's `,`. Nested objects that begin the same way (`effectiveOutboundIPs`,
 * `privateLinkResources`) carry ids of other resource types, which CLUSTER_ID rejects.
 */
const ITEM_OPEN = '{"id":"';
const VALUE_OPEN = '{"value":[';
const [OPEN_BRACKET, COMMA, QUOTE, OPEN_BRACE, CLOSE_BRACE] = [0x5b, 0x2c, 0x22, 0x7b, 0x7d]; // [ , " { } as bytes

/**
 * The members read: flat objects of strings and booleans ([aks-spec] `AzureKeyVaultKms`,
 * `KubernetesResourceObjectEncryptionProfile`), found only under the cluster's `securityProfile`.
 */
const ENCRYPTION_MEMBERS = ['azureKeyVaultKms', 'kubernetesResourceObjectEncryptionProfile'] as const;

/** The encryption settings of one listed cluster: its `securityProfile` members that decide the KMS state. */
export interface ListedEncryption {
  /** Lower case. */
  readonly id: string;
  readonly securityProfile: Pick<SecurityProfileJson, (typeof ENCRYPTION_MEMBERS)[number]>;
}

export interface ClusterListPage<T> {
  /** The wanted clusters of the page, in page order. */
  readonly value: T[];
  readonly nextLink?: string;
}

/**
 * The encryption settings of the page's clusters whose lower-case id is in `wantedIds`, and the page's nextLink;
 * undefined when the page is not laid out as ARM writes it (then parse it whole). A member absent from a cluster is
 * absent from its settings (a name followed by `:` is a key in valid JSON, and only `securityProfile` has these).
 */
export function encryptionOfPage(page: Buffer, wantedIds: ReadonlySet<string>): ClusterListPage<ListedEncryption> | undefined {
  const layout = itemsOf(page);
  if (!layout) {
    return undefined;
  }
  const value: ListedEncryption[] = [];
  for (const item of layout.items) {
    if (!wantedIds.has(item.id)) {
      continue;
    }
    const securityProfile: Record<string, unknown> = {};
    for (const member of ENCRYPTION_MEMBERS) {
      const found = flatMember(page, member, item.start, item.end);
      if (found === null) {
        return undefined;
      }
      if (found !== undefined) {
        securityProfile[member] = found;
      }
    }
    value.push({ id: item.id, securityProfile });
  }
  return { value, ...layout.tail };
}

/** The same from the page parsed whole: for a page laid out otherwise (and the reference the shortcut must equal). */
export function encryptionOfWholePage(page: Buffer, wantedIds: ReadonlySet<string>): ClusterListPage<ListedEncryption> {
  const parsed = JSON.parse(page.toString('utf8')) as { value?: ManagedClusterJson[]; nextLink?: string | null };
  const value = (parsed.value ?? [])
    .filter(c => wantedIds.has(c.id.toLowerCase()))
    .map(c => {
      const { azureKeyVaultKms, kubernetesResourceObjectEncryptionProfile } = c.properties?.securityProfile ?? {};
      const securityProfile = { ...(azureKeyVaultKms ? { azureKeyVaultKms } : {}), ...(kubernetesResourceObjectEncryptionProfile ? { kubernetesResourceObjectEncryptionProfile } : {}) };
      return { id: c.id.toLowerCase(), securityProfile };
    });
  return typeof parsed.nextLink === 'string' ? { value, nextLink: parsed.nextLink } : { value };
}

interface Item {
  readonly id: string;
  /** The item's bytes: from its `{` up to (not including) the `,` or `]` after its `}`. */
  readonly start: number;
  readonly end: number;
}

/** Where each cluster of the page begins and ends, and what follows the array; undefined for another layout. */
function itemsOf(page: Buffer): { items: Item[]; tail: { nextLink?: string } } | undefined {
  if (page.indexOf(VALUE_OPEN) !== 0) {
    return undefined;
  }
  const arrayEnd = page.lastIndexOf(']');
  const tail = arrayEnd >= VALUE_OPEN.length - 1 ? parseTail(page.toString('utf8', arrayEnd + 1)) : undefined;
  if (!tail) {
    return undefined;
  }
  const starts: { at: number; id: string }[] = [];
  for (let at = page.indexOf(ITEM_OPEN, VALUE_OPEN.length - 1); at >= 0 && at < arrayEnd; at = page.indexOf(ITEM_OPEN, at + 1)) {
    const before = page[at - 1];
    if (before !== OPEN_BRACKET && before !== COMMA) {
      continue;
    }
    const idStart = at + ITEM_OPEN.length;
    const id = page.toString('utf8', idStart, page.indexOf(QUOTE, idStart));
    if (CLUSTER_ID.test(id)) {
      starts.push({ at, id: id.toLowerCase() });
    }
  }
  if (arrayEnd > VALUE_OPEN.length && starts[0]?.at !== VALUE_OPEN.length) {
    return undefined;
  }
  const items = starts.map((s, i) => ({ id: s.id, start: s.at, end: i + 1 < starts.length ? starts[i + 1].at - 1 : arrayEnd }));
  // Each item is one object, and each cluster is listed once (a cut inside an item would repeat or split one).
  const whole = items.every(item => page[item.start] === OPEN_BRACE && page[item.end - 1] === CLOSE_BRACE);
  return whole && new Set(items.map(item => item.id)).size === items.length ? { items, tail } : undefined;
}

/** The member's flat object within [start, end); undefined when absent; null when it is not as expected. */
function flatMember(page: Buffer, member: string, start: number, end: number): Record<string, unknown> | undefined | null {
  const item = page.subarray(start, end); // a view: searches stop at the item's end instead of the page's
  const key = `"${member}":`;
  const at = item.indexOf(key);
  if (at < 0) {
    return undefined;
  }
  const open = at + key.length;
  const close = item.indexOf(CLOSE_BRACE, open);
  if (item.indexOf(key, at + 1) >= 0 || item[open] !== OPEN_BRACE || close < 0) {
    return null;
  }
  try {
    // The first `}` closes it: a nested object (or a `}` inside a string) leaves an unbalanced slice, which throws.
    const parsed = JSON.parse(item.toString('utf8', open, close + 1)) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What follows the array: `}` or `,"nextLink":"…"}` (ARM writes `"nextLink":null` or leaves it out on the last page). */
function parseTail(tail: string): { nextLink?: string } | undefined {
  if (tail === '}') {
    return {};
  }
  if (!tail.startsWith(',')) {
    return undefined;
  }
  try {
    const rest = JSON.parse(`{${tail.slice(1)}`) as Record<string, unknown>;
    const keys = Object.keys(rest);
    if (keys.length !== 1 || keys[0] !== 'nextLink') {
      return undefined;
    }
    return typeof rest.nextLink === 'string' ? { nextLink: rest.nextLink } : rest.nextLink === null ? {} : undefined;
  } catch {
    return undefined;
  }
}
