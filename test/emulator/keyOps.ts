// Key lifecycle shared by the data plane (create, rotate, rotation policy), ARM (createIfNotExist) and
// the clock (automatic rotation by policy): new versions, expiry from the policy, policy validation.
import { randomBytes } from 'node:crypto';
import { DAYS, parseIsoDuration } from './duration';
import { HttpError } from './errors';
import { isJsonObject } from './json';
import { latestVersion } from './model/key';
import { EC_CURVES } from './keyMaterial';
import { EC_KEY_OPS, RSA_KEY_OPS, type KeyRecord, type KeyType, type KeyVersionRecord, type LifetimeActionRecord, type RotationPolicyRecord, type VaultRecord } from './state';

/** Key Vault version ids: 32 lower-case hex characters. */
export function newVersionId(): string {
  return randomBytes(16).toString('hex');
}

/** Key names: 1–127 letters, digits and hyphens (AZURE.md). */
export function isValidKeyName(name: string): boolean {
  return /^[0-9a-zA-Z-]{1,127}$/.test(name);
}

export interface VersionTemplate {
  readonly kty: KeyType;
  readonly keySize?: number;
  readonly curve?: string;
  readonly keyOps: readonly string[];
}

export interface VersionAttributes {
  readonly enabled?: boolean;
  readonly expiresMs?: number;
  readonly notBeforeMs?: number;
}

/** Appends a new current version created at `atMs`; a policy's expiryTime stamps its expiry. */
export function addVersion(k: KeyRecord, template: VersionTemplate, atMs: number, attrs: VersionAttributes = {}): KeyVersionRecord {
  const policyExpiry = k.rotationPolicy?.expiryTime !== undefined ? parseIsoDuration(k.rotationPolicy.expiryTime) : undefined;
  const expiresMs = attrs.expiresMs ?? (policyExpiry !== undefined ? atMs + policyExpiry : undefined);
  const ver: KeyVersionRecord = {
    version: newVersionId(),
    createdMs: atMs,
    updatedMs: atMs,
    enabled: attrs.enabled ?? true,
    ...(expiresMs !== undefined ? { expiresMs } : {}),
    ...(attrs.notBeforeMs !== undefined ? { notBeforeMs: attrs.notBeforeMs } : {}),
    kty: template.kty,
    ...(template.keySize !== undefined ? { keySize: template.keySize } : {}),
    ...(template.curve !== undefined ? { curve: template.curve } : {}),
    keyOps: [...template.keyOps],
  };
  k.versions.push(ver);
  return ver;
}

/** A new version like the current one (rotate keeps type, size, curve and operations). */
export function rotateKey(k: KeyRecord, atMs: number): KeyVersionRecord {
  const cur = latestVersion(k);
  return addVersion(k, { kty: cur.kty, keySize: cur.keySize, curve: cur.curve, keyOps: cur.keyOps }, atMs);
}

/** When the policy next rotates the current version, if it rotates at all. */
export function nextRotationMs(k: KeyRecord): number | undefined {
  const policy = k.rotationPolicy;
  if (!policy) return undefined;
  const cur = latestVersion(k);
  const due: number[] = [];
  for (const a of policy.lifetimeActions) {
    if (a.action !== 'Rotate') continue;
    const after = a.timeAfterCreate !== undefined ? parseIsoDuration(a.timeAfterCreate) : undefined;
    if (after !== undefined) due.push(cur.createdMs + after);
    const before = a.timeBeforeExpiry !== undefined ? parseIsoDuration(a.timeBeforeExpiry) : undefined;
    if (before !== undefined && cur.expiresMs !== undefined) due.push(cur.expiresMs - before);
  }
  return due.length > 0 ? Math.min(...due) : undefined;
}

/**
 * Rotates as Key Vault's policy engine would have by `nowMs`: one version per elapsed period, each created
 * at its due time (so advancing the emulator clock by a year produces the versions a year would have).
 */
export function applyAutomaticRotation(k: KeyRecord, nowMs: number): number {
  let rotations = 0;
  for (let due = nextRotationMs(k); due !== undefined && due <= nowMs && rotations < 1000; due = nextRotationMs(k)) {
    rotateKey(k, due);
    rotations++;
  }
  return rotations;
}

const KEY_TYPES: readonly KeyType[] = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM'];
const RSA_SIZES = [2048, 3072, 4096];
const KNOWN_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];

export interface KeySpecInput {
  readonly kty: unknown;
  readonly keySize?: unknown;
  readonly curve?: unknown;
  readonly keyOps?: unknown;
}

/**
 * Validates what to create: RSA (2048/3072/4096 bits) or EC (P-256, P-384, P-521, P-256K), HSM-protected
 * types only in a Premium vault. `code`: the plane's error code (data plane BadParameter, ARM BadRequest).
 */
export function parseKeySpec(input: KeySpecInput, vault: VaultRecord, code: string): VersionTemplate {
  const fail = (message: string) => new HttpError(400, code, message);
  const kty = KEY_TYPES.find((t) => typeof input.kty === 'string' && t.toLowerCase() === input.kty.toLowerCase());
  // rule: emu-key-type-unsupported
  if (!kty) throw fail(`The key type '${String(input.kty)}' is not supported here; use one of ${KEY_TYPES.join(', ')}.`);
  // rule: emu-key-hsm-needs-premium
  if (kty.endsWith('-HSM') && vault.skuName !== 'premium') throw fail(`Keys of type '${kty}' need a Premium SKU vault; '${vault.name}' is Standard.`);
  const rsa = kty === 'RSA' || kty === 'RSA-HSM';
  let keyOps: readonly string[] = rsa ? RSA_KEY_OPS : EC_KEY_OPS;
  if (input.keyOps !== undefined && input.keyOps !== null) {
    // rule: emu-key-ops-invalid
    if (!Array.isArray(input.keyOps) || input.keyOps.some((o) => typeof o !== 'string' || !KNOWN_OPS.includes(o))) {
      throw fail(`The key operations ${JSON.stringify(input.keyOps)} are invalid; allowed: ${KNOWN_OPS.join(', ')}.`);
    }
    keyOps = input.keyOps as string[];
  }
  if (rsa) {
    // rule: emu-key-rsa-size
    if (input.curve !== undefined && input.curve !== null) throw fail('A curve applies to EC keys only.');
    const size = input.keySize === undefined || input.keySize === null ? 2048 : input.keySize;
    // rule: emu-key-rsa-size
    if (typeof size !== 'number' || !RSA_SIZES.includes(size)) throw fail(`The key size '${String(size)}' is invalid for ${kty}; use 2048, 3072 or 4096.`);
    return { kty, keySize: size, keyOps };
  }
  // rule: emu-key-ec-curve
  if (input.keySize !== undefined && input.keySize !== null) throw fail('A key size applies to RSA keys only; EC keys take a curve.');
  const curve = input.curve === undefined || input.curve === null ? 'P-256' : input.curve;
  // rule: emu-key-ec-curve
  if (typeof curve !== 'string' || !EC_CURVES.includes(curve)) throw fail(`The curve '${String(curve)}' is invalid; use one of ${EC_CURVES.join(', ')}.`);
  return { kty, curve, keyOps };
}

function badParameter(message: string): HttpError {
  return new HttpError(400, 'BadParameter', message);
}

const MIN_EXPIRY_MS = DAYS(28);
const MIN_ROTATE_AFTER_CREATE_MS = DAYS(7);

function duration(text: unknown, what: string): string {
  // rule: emu-rotation-policy-shape
  if (typeof text !== 'string' || parseIsoDuration(text) === undefined) throw badParameter(`${what} '${String(text)}' is not a valid ISO 8601 duration.`);
  return text;
}

/**
 * Parses and validates a rotation policy body (data plane `{lifetimeActions, attributes:{expiryTime}}`;
 * the management plane's `rotationPolicy` has the same shape). Key Vault's limits: expiry at least 28 days,
 * rotation at least 7 days after creation, at most one rotate and one notify action.
 */
export function parseRotationPolicy(body: unknown, nowMs: number, previous?: RotationPolicyRecord): RotationPolicyRecord {
  // rule: emu-rotation-policy-shape
  if (!isJsonObject(body)) throw badParameter('The rotation policy must be a JSON object.');
  const rawActions = body.lifetimeActions ?? [];
  if (!Array.isArray(rawActions)) throw badParameter("Property 'lifetimeActions' must be an array.");
  const attributes = isJsonObject(body.attributes) ? body.attributes : {};
  const expiryTime = attributes.expiryTime === undefined || attributes.expiryTime === null ? undefined : duration(attributes.expiryTime, 'expiryTime');
  const expiryMs = expiryTime !== undefined ? parseIsoDuration(expiryTime)! : undefined;
  // rule: emu-rotation-policy-min-expiry
  if (expiryMs !== undefined && expiryMs < MIN_EXPIRY_MS) throw badParameter(`expiryTime '${expiryTime}' is too short: it must be at least 28 days (P28D).`);

  const actions: LifetimeActionRecord[] = rawActions.map((raw) => {
    // rule: emu-rotation-policy-shape
    if (!isJsonObject(raw) || !isJsonObject(raw.action) || !isJsonObject(raw.trigger)) throw badParameter('Each lifetime action needs a trigger and an action.');
    const type = String(raw.action.type ?? '').toLowerCase();
    if (type !== 'rotate' && type !== 'notify') throw badParameter(`Lifetime action type '${String(raw.action.type)}' is not supported; use Rotate or Notify.`);
    const after = raw.trigger.timeAfterCreate ?? undefined;
    const before = raw.trigger.timeBeforeExpiry ?? undefined;
    // rule: emu-rotation-policy-shape
    if ((after === undefined) === (before === undefined)) throw badParameter('A lifetime action trigger needs exactly one of timeAfterCreate and timeBeforeExpiry.');
    // rule: emu-rotation-policy-notify-before-expiry-only
    if (type === 'notify' && after !== undefined) throw badParameter('A Notify action only supports timeBeforeExpiry.');
    const action: LifetimeActionRecord = { action: type === 'rotate' ? 'Rotate' : 'Notify' };
    if (after !== undefined) {
      action.timeAfterCreate = duration(after, 'timeAfterCreate');
      // rule: emu-rotation-policy-min-rotate-after
      if (parseIsoDuration(action.timeAfterCreate)! < MIN_ROTATE_AFTER_CREATE_MS) throw badParameter(`timeAfterCreate '${action.timeAfterCreate}' is too short: it must be at least 7 days (P7D).`);
      // rule: emu-rotation-policy-rotate-before-expiry
      if (expiryMs !== undefined && parseIsoDuration(action.timeAfterCreate)! >= expiryMs) throw badParameter(`timeAfterCreate '${action.timeAfterCreate}' must be shorter than expiryTime '${expiryTime}'.`);
    }
    if (before !== undefined) {
      action.timeBeforeExpiry = duration(before, 'timeBeforeExpiry');
      // rule: emu-rotation-policy-needs-expiry
      if (expiryMs === undefined) throw badParameter('timeBeforeExpiry needs attributes.expiryTime.');
    }
    return action;
  });
  // rule: emu-rotation-policy-one-per-type
  if (actions.filter((a) => a.action === 'Rotate').length > 1 || actions.filter((a) => a.action === 'Notify').length > 1) {
    throw badParameter('A rotation policy can have at most one Rotate and one Notify action.');
  }
  return { lifetimeActions: actions, ...(expiryTime !== undefined ? { expiryTime } : {}), createdMs: previous?.createdMs ?? nowMs, updatedMs: nowMs };
}

/** A deleted key's name cannot be reused until it is recovered or purged (Key Vault soft delete). */
export function deletedKeyConflict(name: string): HttpError {
  return new HttpError(409, 'Conflict', `Key ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.`, {
    innererror: { code: 'ObjectIsDeletedButRecoverable' },
  });
}
