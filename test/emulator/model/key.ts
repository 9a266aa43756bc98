// Renders keys for both planes: the management plane's `Key` resource (Microsoft.KeyVault keys.json,
// created/updated in Unix seconds) and the data plane's KeyBundle / KeyItem / KeyRotationPolicy
// (keys.json 2026-04-01). Instants are emulator time; `wall` converts them to what clients see.
import { unixSeconds } from '../clock';
import { vaultResourceId } from '../ids';
import type { JsonObject } from '../json';
import type { DeletedKeyRecord, KeyRecord, KeyVersionRecord, RotationPolicyRecord, VaultRecord } from '../state';
import { recoveryLevel } from './vault';

/** Emulator instant → wall-clock instant (clock.toWall). */
export type ToWall = (emulatorMs: number) => number;

export function latestVersion(k: KeyRecord): KeyVersionRecord {
  return k.versions[k.versions.length - 1];
}

export function isRsa(ver: KeyVersionRecord): boolean {
  return ver.kty === 'RSA' || ver.kty === 'RSA-HSM';
}

function keyUri(vaultBaseUrl: string, k: KeyRecord): string {
  return `${vaultBaseUrl}/keys/${k.name}`;
}

function attributes(v: VaultRecord, ver: KeyVersionRecord, wall: ToWall, dataPlane: boolean): JsonObject {
  const a: JsonObject = {
    enabled: ver.enabled,
    created: unixSeconds(wall(ver.createdMs)),
    updated: unixSeconds(wall(ver.updatedMs)),
    recoveryLevel: recoveryLevel(v),
    exportable: false,
  };
  if (dataPlane && v.enableSoftDelete) a.recoverableDays = v.softDeleteRetentionInDays;
  if (ver.notBeforeMs !== undefined) a.nbf = unixSeconds(wall(ver.notBeforeMs));
  if (ver.expiresMs !== undefined) a.exp = unixSeconds(wall(ver.expiresMs));
  return a;
}

/** The management plane writes actions in lower case (`rotate`/`notify`), the data plane capitalised. */
function lifetimeActions(p: RotationPolicyRecord, lowerCase: boolean): JsonObject[] {
  return p.lifetimeActions.map((a) => {
    const trigger: JsonObject = {};
    if (a.timeAfterCreate !== undefined) trigger.timeAfterCreate = a.timeAfterCreate;
    if (a.timeBeforeExpiry !== undefined) trigger.timeBeforeExpiry = a.timeBeforeExpiry;
    return { trigger, action: { type: lowerCase ? a.action.toLowerCase() : a.action } };
  });
}

function mgmtRotationPolicy(k: KeyRecord, wall: ToWall): JsonObject | undefined {
  const p = k.rotationPolicy;
  if (!p) return undefined;
  const attrs: JsonObject = { created: unixSeconds(wall(p.createdMs)), updated: unixSeconds(wall(p.updatedMs)) };
  if (p.expiryTime !== undefined) attrs.expiryTime = p.expiryTime;
  return { attributes: attrs, lifetimeActions: lifetimeActions(p, true) };
}

/**
 * `GET …/vaults/{v}/keys/{k}` (current version) or `…/keys/{k}/versions/{ver}` when `version` is given.
 * ARM serves keys regardless of the vault firewall.
 */
export function renderMgmtKey(v: VaultRecord, k: KeyRecord, vaultBaseUrl: string, wall: ToWall, version?: KeyVersionRecord): JsonObject {
  const ver = version ?? latestVersion(k);
  const baseId = `${vaultResourceId(v.subscriptionId, v.resourceGroup, v.name)}/keys/${k.name}`;
  const properties: JsonObject = {
    attributes: attributes(v, ver, wall, false),
    kty: ver.kty,
    keyOps: [...ver.keyOps],
    keyUri: keyUri(vaultBaseUrl, k),
    keyUriWithVersion: `${keyUri(vaultBaseUrl, k)}/${ver.version}`,
  };
  if (ver.keySize !== undefined) properties.keySize = ver.keySize;
  if (ver.curve !== undefined) properties.curveName = ver.curve;
  const policy = mgmtRotationPolicy(k, wall);
  if (policy) properties.rotationPolicy = policy;
  return {
    id: version ? `${baseId}/versions/${ver.version}` : baseId,
    name: version ? ver.version : k.name,
    type: version ? 'Microsoft.KeyVault/vaults/keys/versions' : 'Microsoft.KeyVault/vaults/keys',
    location: v.location,
    tags: { ...k.tags },
    properties,
  };
}

/** The public part of a key version's material, in JWK members. */
export type PublicJwk = { readonly n: string; readonly e: string } | { readonly crv: string; readonly x: string; readonly y: string };

/** Data-plane KeyBundle: the JSON web key (public part only) plus attributes. */
export function renderKeyBundle(v: VaultRecord, k: KeyRecord, ver: KeyVersionRecord, vaultBaseUrl: string, jwk: PublicJwk, wall: ToWall): JsonObject {
  const bundle: JsonObject = {
    key: {
      kid: `${keyUri(vaultBaseUrl, k)}/${ver.version}`,
      kty: ver.kty,
      key_ops: [...ver.keyOps],
      ...jwk,
    },
    attributes: attributes(v, ver, wall, true),
  };
  if (Object.keys(k.tags).length > 0) bundle.tags = { ...k.tags };
  return bundle;
}

/** Data-plane DeletedKeyBundle: the current version's bundle plus when it was deleted, when it is purged, and its recovery id. */
export function renderDeletedKeyBundle(v: VaultRecord, k: DeletedKeyRecord, vaultBaseUrl: string, jwk: PublicJwk, wall: ToWall): JsonObject {
  return {
    ...renderKeyBundle(v, k, latestVersion(k), vaultBaseUrl, jwk, wall),
    recoveryId: `${vaultBaseUrl}/deletedkeys/${k.name}`,
    deletedDate: unixSeconds(wall(k.deletedMs)),
    scheduledPurgeDate: unixSeconds(wall(k.scheduledPurgeMs)),
  };
}

/** Data-plane KeyItem (lists): kid and attributes, no key material. */
export function renderKeyItem(v: VaultRecord, k: KeyRecord, ver: KeyVersionRecord, vaultBaseUrl: string, versioned: boolean, wall: ToWall): JsonObject {
  const item: JsonObject = {
    kid: versioned ? `${keyUri(vaultBaseUrl, k)}/${ver.version}` : keyUri(vaultBaseUrl, k),
    attributes: attributes(v, ver, wall, true),
  };
  if (Object.keys(k.tags).length > 0) item.tags = { ...k.tags };
  return item;
}

/**
 * Data-plane KeyRotationPolicy. A key without a policy answers Key Vault's default: notify 30 days
 * before expiry, no rotation, no created/updated times.
 */
export function renderRotationPolicy(k: KeyRecord, vaultBaseUrl: string, wall: ToWall): JsonObject {
  const id = `${keyUri(vaultBaseUrl, k)}/rotationpolicy`;
  const p = k.rotationPolicy;
  if (!p) return { id, lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }], attributes: {} };
  const attrs: JsonObject = { created: unixSeconds(wall(p.createdMs)), updated: unixSeconds(wall(p.updatedMs)) };
  if (p.expiryTime !== undefined) attrs.expiryTime = p.expiryTime;
  return { id, lifetimeActions: lifetimeActions(p, false), attributes: attrs };
}
