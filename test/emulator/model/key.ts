// Renders keys for both planes: the management plane's `Key` resource (Microsoft.KeyVault keys.json,
// created/updated in Unix seconds) and the data plane's KeyBundle / KeyItem (keys.json 2026-04-01).
import { unixSeconds } from '../clock';
import { vaultResourceId } from '../ids';
import type { JsonObject } from '../json';
import type { KeyRecord, KeyVersionRecord, VaultRecord } from '../state';
import { recoveryLevel } from './vault';

export function latestVersion(k: KeyRecord): KeyVersionRecord {
  return k.versions[k.versions.length - 1];
}

function keyUri(vaultBaseUrl: string, k: KeyRecord): string {
  return `${vaultBaseUrl}/keys/${k.name}`;
}

function mgmtAttributes(v: VaultRecord, ver: KeyVersionRecord): JsonObject {
  const a: JsonObject = {
    enabled: ver.enabled,
    created: unixSeconds(ver.createdMs),
    updated: unixSeconds(ver.updatedMs),
    recoveryLevel: recoveryLevel(v),
    exportable: false,
  };
  if (ver.notBeforeMs !== undefined) a.nbf = unixSeconds(ver.notBeforeMs);
  if (ver.expiresMs !== undefined) a.exp = unixSeconds(ver.expiresMs);
  return a;
}

function mgmtRotationPolicy(k: KeyRecord): JsonObject | undefined {
  const p = k.rotationPolicy;
  if (!p) return undefined;
  return {
    attributes: { created: unixSeconds(p.createdMs), updated: unixSeconds(p.updatedMs), expiryTime: p.expiryTime },
    lifetimeActions: [{ trigger: { timeAfterCreate: p.timeAfterCreate }, action: { type: 'rotate' } }],
  };
}

/**
 * `GET …/vaults/{v}/keys/{k}` (current version) or `…/keys/{k}/versions/{ver}` when `version` is given.
 * ARM serves keys regardless of the vault firewall.
 */
export function renderMgmtKey(v: VaultRecord, k: KeyRecord, vaultBaseUrl: string, version?: KeyVersionRecord): JsonObject {
  const ver = version ?? latestVersion(k);
  const baseId = `${vaultResourceId(v.subscriptionId, v.resourceGroup, v.name)}/keys/${k.name}`;
  const properties: JsonObject = {
    attributes: mgmtAttributes(v, ver),
    kty: ver.kty,
    keyOps: [...ver.keyOps],
    keySize: ver.keySize,
    keyUri: keyUri(vaultBaseUrl, k),
    keyUriWithVersion: `${keyUri(vaultBaseUrl, k)}/${ver.version}`,
  };
  const policy = mgmtRotationPolicy(k);
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

function dataAttributes(v: VaultRecord, ver: KeyVersionRecord): JsonObject {
  const a: JsonObject = {
    enabled: ver.enabled,
    created: unixSeconds(ver.createdMs),
    updated: unixSeconds(ver.updatedMs),
    recoveryLevel: recoveryLevel(v),
    exportable: false,
  };
  if (v.enableSoftDelete) a.recoverableDays = v.softDeleteRetentionInDays;
  if (ver.notBeforeMs !== undefined) a.nbf = unixSeconds(ver.notBeforeMs);
  if (ver.expiresMs !== undefined) a.exp = unixSeconds(ver.expiresMs);
  return a;
}

export interface RsaPublic {
  readonly n: string;
  readonly e: string;
}

/** Data-plane KeyBundle: the JSON web key (public part only) plus attributes. */
export function renderKeyBundle(v: VaultRecord, k: KeyRecord, ver: KeyVersionRecord, vaultBaseUrl: string, rsa: RsaPublic): JsonObject {
  const bundle: JsonObject = {
    key: {
      kid: `${keyUri(vaultBaseUrl, k)}/${ver.version}`,
      kty: ver.kty,
      key_ops: [...ver.keyOps],
      n: rsa.n,
      e: rsa.e,
    },
    attributes: dataAttributes(v, ver),
  };
  if (Object.keys(k.tags).length > 0) bundle.tags = { ...k.tags };
  return bundle;
}

/** Data-plane KeyItem (lists): kid and attributes, no key material. */
export function renderKeyItem(v: VaultRecord, k: KeyRecord, ver: KeyVersionRecord, vaultBaseUrl: string, versioned: boolean): JsonObject {
  const item: JsonObject = {
    kid: versioned ? `${keyUri(vaultBaseUrl, k)}/${ver.version}` : keyUri(vaultBaseUrl, k),
    attributes: dataAttributes(v, ver),
  };
  if (Object.keys(k.tags).length > 0) item.tags = { ...k.tags };
  return item;
}
