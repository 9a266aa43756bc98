/**
 * The encryption settings of the wanted clusters of an ARM managed-cluster list page, without parsing the clusters.
 * Confirming a subscription's "unknown" clusters lists all of them (ARM has no `$select` or id filter for this list),
 * and parsing was most of the cost: a 10,000-cluster fleet is ~37 MB of JSON, of which the confirmation needs two
 * small objects per cluster (Resource Graph gave everything else).
 *
 * Hand-written because no JSON library skips values faster than the native `JSON.parse` reads them: this finds where
 * each cluster begins and where its two members are with `Buffer.indexOf` (one pass over the page for each), and
 * decodes and parses only the wanted clusters' members.
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
const ITEM_OPEN = Buffer.from('{"id":"');
const VALUE_OPEN = Buffer.from('{"value":[');
const [OPEN_BRACKET, COMMA, QUOTE, OPEN_BRACE, CLOSE_BRACE] = [0x5b, 0x2c, 0x22, 0x7b, 0x7d]; // [ , " { } as bytes

/**
 * The members read: flat objects of strings and booleans ([aks-spec] `AzureKeyVaultKms`,
 * `KubernetesResourceObjectEncryptionProfile`), found only under the cluster's `securityProfile`.
 */
type EncryptionMember = 'azureKeyVaultKms' | 'kubernetesResourceObjectEncryptionProfile';

/**
 * A member's key `"name":`, searched for by its tail from a capital letter: `Buffer.indexOf` looks for the needle's
 * first byte before comparing the rest, and a needle that begins with `"` stops at every string of the page (three
 * times slower over the 37 MB of a 10,000-cluster fleet). A hit counts only where the head completes the key.
 */
interface MemberKey {
  readonly member: EncryptionMember;
  readonly head: Buffer;
  readonly tail: Buffer;
}

function memberKey(member: EncryptionMember, tailFrom: string): MemberKey {
  const key = `"${member}":`;
  const cut = key.indexOf(tailFrom);
  return { member, head: Buffer.from(key.slice(0, cut)), tail: Buffer.from(key.slice(cut)) };
}

const MEMBER_KEYS = [memberKey('azureKeyVaultKms', 'Kms'), memberKey('kubernetesResourceObjectEncryptionProfile', 'ResourceObject')];

/** The encryption settings of one listed cluster: its `securityProfile` members that decide the KMS state. */
export interface ListedEncryption {
  /** Lower case. */
  readonly id: string;
  readonly securityProfile: Pick<SecurityProfileJson, EncryptionMember>;
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
  const found: number[][] = [];
  for (const key of MEMBER_KEYS) {
    const at = valuesOf(page, key, layout.items);
    if (!at) {
      return undefined;
    }
    found.push(at);
  }
  const value: ListedEncryption[] = [];
  for (const [i, item] of layout.items.entries()) {
    if (!wantedIds.has(item.id)) {
      continue;
    }
    const securityProfile: Record<string, unknown> = {};
    for (const [k, key] of MEMBER_KEYS.entries()) {
      const open = found[k][i];
      if (open < 0) {
        continue;
      }
      const member = flatObject(page, open, item.end);
      if (!member) {
        return undefined;
      }
      securityProfile[key.member] = member;
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
  if (page.length < VALUE_OPEN.length || VALUE_OPEN.compare(page, 0, VALUE_OPEN.length) !== 0) {
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
    const idEnd = page.indexOf(QUOTE, idStart);
    if (!typedAsCluster(page, idStart, idEnd)) {
      continue;
    }
    const id = page.toString('utf8', idStart, idEnd);
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

/** `/managedclusters/`, lower case: the segments before a cluster id's name. */
const CLUSTERS_SEGMENT = Buffer.from('/managedclusters/');
const [SLASH, LOWER_CASE_BIT] = [0x2f, 0x20];

/**
 * Whether the id in [start, end) ends in `/managedClusters/{name}` (any letter case), read from its bytes: most ids
 * nested in a cluster (public IPs, private link resources) do not, and are passed over without being decoded.
 * CLUSTER_ID still checks the ones that do.
 */
function typedAsCluster(page: Buffer, start: number, end: number): boolean {
  if (end < 0) {
    return false;
  }
  const from = page.lastIndexOf(SLASH, end - 1) - (CLUSTERS_SEGMENT.length - 1);
  if (from < start) {
    return false;
  }
  for (let i = 0; i < CLUSTERS_SEGMENT.length; i++) {
    // Setting the 0x20 bit lower-cases an ASCII letter and leaves '/' as it is.
    if ((page[from + i] | LOWER_CASE_BIT) !== CLUSTERS_SEGMENT[i]) {
      return false;
    }
  }
  return true;
}

/**
 * Where the member's value begins in each item (-1 where absent), from one pass over the page; undefined when a hit is
 * outside every item or twice in one (only `securityProfile` has these names, once).
 */
function valuesOf(page: Buffer, key: MemberKey, items: readonly Item[]): number[] | undefined {
  const at = new Array<number>(items.length).fill(-1);
  const first = items[0]?.start ?? 0;
  const last = items[items.length - 1]?.end ?? 0;
  let i = 0;
  for (let hit = page.indexOf(key.tail, first); hit >= 0 && hit < last; hit = page.indexOf(key.tail, hit + key.tail.length)) {
    const keyStart = hit - key.head.length;
    if (keyStart < first || key.head.compare(page, keyStart, hit) !== 0) {
      continue; // another name that ends the same way
    }
    while (items[i].end <= keyStart) {
      i++;
    }
    if (keyStart < items[i].start || at[i] >= 0) {
      return undefined;
    }
    at[i] = hit + key.tail.length;
  }
  return at;
}

/** The flat object that begins at `open` (before `end`); undefined when it is not one. */
function flatObject(page: Buffer, open: number, end: number): Record<string, unknown> | undefined {
  const close = page.indexOf(CLOSE_BRACE, open);
  if (page[open] !== OPEN_BRACE || close < 0 || close >= end) {
    return undefined;
  }
  try {
    // The first `}` closes it: a nested object (or a `}` inside a string) leaves an unbalanced slice, which throws.
    const parsed = JSON.parse(page.toString('utf8', open, close + 1)) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
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
