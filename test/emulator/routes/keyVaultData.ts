// The Key Vault data plane of one vault (keys.json 2026-04-01): challenge auth, firewall, api-version,
// then role-based authorization of the route's data action (rbac.ts), then: list/get keys and versions,
// create, rotate, rotation policy get/put, update attributes (PATCH), encrypt/decrypt/wrapkey/unwrapkey.
// Errors use KeyVaultError.
import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isAccepted, KEYVAULT_DATA_API_VERSIONS } from '../apiVersions';
import { checkBearer, type Principal } from '../auth';
import { checkNetwork, type DataPlaneAuthorizer, type KeyVaultDataAction } from '../dataPlaneAccess';
import { HttpError } from '../errors';
import { json, queryParam, readJsonBody, type ParsedRequest, type Reply } from '../http';
import { isJsonObject, type JsonObject } from '../json';
import type { KeyMaterial } from '../keyMaterial';
import { addVersion, deletedKeyConflict, isValidKeyName, parseKeySpec, parseRotationPolicy, rotateKey } from '../keyOps';
import { requestLatency } from '../latency';
import { settle } from '../lifecycle';
import { isRsa, latestVersion, renderDeletedKeyBundle, renderKeyBundle, renderKeyItem, renderRotationPolicy } from '../model/key';
import { pageOf } from '../paging';
import { isWriteRequest } from '../requestLog';
import { Router } from '../router';
import { lookup, type DeletedKeyRecord, type EmulatorStore, type KeyRecord, type KeyVersionRecord, type VaultRecord } from '../state';

/** Authority in the challenge; the emulator is a custom cloud that signs in "like" public Azure. */
export const CHALLENGE_AUTHORITY = 'https://login.microsoftonline.com';
export const KEYVAULT_RESOURCE = 'https://vault.azure.net';

export interface DataPlaneDeps {
  readonly store: EmulatorStore;
  readonly material: KeyMaterial;
  readonly authorizer: DataPlaneAuthorizer;
  /** Items per page of key lists (small, so clients really follow nextLink). */
  readonly pageSize: number;
  /** What the 401 challenge names; default the local mode's (CHALLENGE_AUTHORITY, KEYVAULT_RESOURCE). A cloud pose names its cloud's. */
  readonly challenge?: { readonly authority: string; readonly resource: string };
}

interface DataRequest {
  readonly http: ParsedRequest;
  readonly raw: IncomingMessage;
  readonly params: Readonly<Record<string, string>>;
  readonly vault: VaultRecord;
  readonly baseUrl: string;
  readonly principal: Principal;
}

/** A route and the RBAC data action it needs (Key Vault's built-in role definitions name them). */
interface DataRoute {
  readonly action: KeyVaultDataAction;
  readonly handle: (r: DataRequest) => Reply | Promise<Reply>;
}

const LATEST_DATA_API_VERSION = '2025-07-01';
const KEY_NOT_FOUND_HELP =
  'If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

const READ = 'Microsoft.KeyVault/vaults/keys/read';

function keyNotFound(id: string): HttpError {
  return new HttpError(404, 'KeyNotFound', `A key with (name/id) ${id} was not found in this key vault. ${KEY_NOT_FOUND_HELP}`);
}

function badParameter(message: string): HttpError {
  return new HttpError(400, 'BadParameter', message);
}

function challengeError(tenantId: string, message: string, challenge = { authority: CHALLENGE_AUTHORITY, resource: KEYVAULT_RESOURCE }): HttpError {
  // The challenge tells the client where to get a token and for which resource (AZURE.md).
  return new HttpError(401, 'Unauthorized', message, {
    headers: { 'www-authenticate': `Bearer authorization="${challenge.authority}/${tenantId}", resource="${challenge.resource}"` },
  });
}

function findKey(r: DataRequest): KeyRecord {
  const k = lookup.key(r.vault, r.params.keyName);
  // rule: emu-kv-not-found
  if (!k) throw keyNotFound(r.params.keyName);
  return k;
}

function findDeletedKey(r: DataRequest): DeletedKeyRecord {
  const k = lookup.deletedKey(r.vault, r.params.keyName);
  // rule: emu-kv-not-found
  if (!k) throw new HttpError(404, 'KeyNotFound', `Deleted Key not found: ${r.params.keyName}`);
  return k;
}

function findVersion(r: DataRequest, k: KeyRecord): KeyVersionRecord {
  const v = k.versions.find((x) => x.version.toLowerCase() === r.params.keyVersion.toLowerCase());
  if (!v) throw keyNotFound(`${r.params.keyName}/${r.params.keyVersion}`);
  return v;
}

async function jsonBody(r: DataRequest): Promise<JsonObject> {
  const body = await readJsonBody(r.raw);
  if (body === undefined) return {};
  // rule: emu-key-request-invalid
  if (!isJsonObject(body)) throw badParameter('The request body must be a JSON object.');
  return body;
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw badParameter("Property 'tags' must be an object of strings.");
  return { ...(value as Record<string, string>) };
}

/** Wire attributes are Unix seconds in wall-clock time; records keep emulator time. */
function attributeMs(store: EmulatorStore, value: unknown, name: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  // rule: emu-key-request-invalid
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badParameter(`Property 'attributes.${name}' must be a Unix time in seconds.`);
  return store.clock.fromWall(value * 1000);
}

/** RSA-OAEP and RSA-OAEP-256 (what KMS plugins use); RSA1_5 is refused by node's private decrypt. */
function oaepHash(alg: unknown): string {
  if (alg === 'RSA-OAEP') return 'sha1';
  if (alg === 'RSA-OAEP-256') return 'sha256';
  // rule: emu-key-op-algorithm
  throw badParameter(`The algorithm '${String(alg)}' is not supported by the emulator; use RSA-OAEP or RSA-OAEP-256.`);
}

function buildRouter(deps: DataPlaneDeps): Router<DataRoute> {
  const router = new Router<DataRoute>();
  const store = deps.store;
  const wall = (ms: number) => store.clock.toWall(ms);
  const page = { pageSize: deps.pageSize, tokenName: '$skiptoken', topName: 'maxresults', badTokenCode: 'BadParameter' };
  const bundle = async (r: DataRequest, k: KeyRecord, ver: KeyVersionRecord) =>
    json(200, renderKeyBundle(r.vault, k, ver, r.baseUrl, await deps.material.publicJwk(ver), wall));
  const add = (method: string, pattern: string, action: KeyVaultDataAction, handle: DataRoute['handle']) =>
    router.add(method, pattern, KEYVAULT_DATA_API_VERSIONS, { action, handle });

  add('GET', '/keys', READ, (r) => json(200, pageOf(r.vault.keys.map((k) => renderKeyItem(r.vault, k, latestVersion(k), r.baseUrl, false, wall)), r.http, page)));
  add('GET', '/keys/{keyName}/versions', READ, (r) => {
    const k = findKey(r);
    return json(200, pageOf(k.versions.map((ver) => renderKeyItem(r.vault, k, ver, r.baseUrl, true, wall)), r.http, page));
  });

  // Before `/keys/{n}/{version}`, which has the same shape.
  add('GET', '/keys/{keyName}/rotationpolicy', 'Microsoft.KeyVault/vaults/keyrotationpolicies/read', (r) => json(200, renderRotationPolicy(findKey(r), r.baseUrl, wall)));
  add('PUT', '/keys/{keyName}/rotationpolicy', 'Microsoft.KeyVault/vaults/keyrotationpolicies/write', async (r) => {
    const k = findKey(r);
    k.rotationPolicy = parseRotationPolicy(await jsonBody(r), store.clock.now(), k.rotationPolicy);
    return json(200, renderRotationPolicy(k, r.baseUrl, wall));
  });

  // Creating an existing key adds a new version (Key Vault's documented behaviour).
  add('POST', '/keys/{keyName}/create', 'Microsoft.KeyVault/vaults/keys/create/action', async (r) => {
    // rule: emu-key-name-invalid
    if (!isValidKeyName(r.params.keyName)) throw badParameter(`The key name '${r.params.keyName}' is invalid: use 1 to 127 letters, digits and hyphens.`);
    const body = await jsonBody(r);
    // rule: emu-key-request-invalid
    if (body.kty === undefined) throw badParameter("Property 'kty' is required.");
    const template = parseKeySpec({ kty: body.kty, keySize: body.key_size, curve: body.crv, keyOps: body.key_ops }, r.vault, 'BadParameter');
    const attrs = isJsonObject(body.attributes) ? body.attributes : {};
    const tags = tagsOf(body.tags);
    // rule: emu-key-deleted-conflict
    if (lookup.deletedKey(r.vault, r.params.keyName)) throw deletedKeyConflict(r.params.keyName);
    let k = lookup.key(r.vault, r.params.keyName);
    if (!k) {
      k = { name: r.params.keyName, versions: [], tags: {} };
      r.vault.keys.push(k);
    }
    if (tags) k.tags = tags;
    const ver = addVersion(k, template, store.clock.now(), {
      enabled: typeof attrs.enabled === 'boolean' ? attrs.enabled : undefined,
      expiresMs: attributeMs(store, attrs.exp, 'exp') ?? undefined,
      notBeforeMs: attributeMs(store, attrs.nbf, 'nbf') ?? undefined,
    });
    return bundle(r, k, ver);
  });

  add('POST', '/keys/{keyName}/rotate', 'Microsoft.KeyVault/vaults/keys/rotate/action', (r) => {
    const k = findKey(r);
    return bundle(r, k, rotateKey(k, store.clock.now()));
  });

  // `GET /keys/{n}/` (the SDK's "latest" form) arrives here after trailing-slash normalisation.
  add('GET', '/keys/{keyName}', READ, (r) => {
    const k = findKey(r);
    return bundle(r, k, latestVersion(k));
  });
  add('GET', '/keys/{keyName}/{keyVersion}', READ, (r) => {
    const k = findKey(r);
    return bundle(r, k, findVersion(r, k));
  });

  // Soft delete: the key moves to the vault's deleted keys until its scheduled purge date (retention days later).
  add('DELETE', '/keys/{keyName}', 'Microsoft.KeyVault/vaults/keys/delete', async (r) => {
    const k = findKey(r);
    const now = store.clock.now();
    const deleted: DeletedKeyRecord = { ...k, deletedMs: now, scheduledPurgeMs: now + r.vault.softDeleteRetentionInDays * 86_400_000 };
    r.vault.keys = r.vault.keys.filter((x) => x !== k);
    r.vault.deletedKeys.push(deleted);
    return json(200, renderDeletedKeyBundle(r.vault, deleted, r.baseUrl, await deps.material.publicJwk(latestVersion(deleted)), wall));
  });
  add('GET', '/deletedkeys/{keyName}', READ, async (r) => {
    const k = findDeletedKey(r);
    return json(200, renderDeletedKeyBundle(r.vault, k, r.baseUrl, await deps.material.publicJwk(latestVersion(k)), wall));
  });
  add('POST', '/deletedkeys/{keyName}/recover', 'Microsoft.KeyVault/vaults/keys/recover/action', (r) => {
    const deleted = findDeletedKey(r);
    const { deletedMs: _deleted, scheduledPurgeMs: _purge, ...key } = deleted;
    r.vault.deletedKeys = r.vault.deletedKeys.filter((x) => x !== deleted);
    r.vault.keys.push(key);
    return bundle(r, key, latestVersion(key));
  });

  const update = async (r: DataRequest, k: KeyRecord, ver: KeyVersionRecord): Promise<Reply> => {
    const body = await jsonBody(r);
    const attrs = isJsonObject(body.attributes) ? body.attributes : {};
    // rule: emu-key-request-invalid
    if (attrs.enabled !== undefined && typeof attrs.enabled !== 'boolean') throw badParameter("Property 'attributes.enabled' must be a boolean.");
    const exp = attributeMs(store, attrs.exp, 'exp');
    const nbf = attributeMs(store, attrs.nbf, 'nbf');
    const tags = tagsOf(body.tags);
    if (body.key_ops !== undefined && body.key_ops !== null && !Array.isArray(body.key_ops)) throw badParameter("Property 'key_ops' must be an array.");
    if (typeof attrs.enabled === 'boolean') ver.enabled = attrs.enabled;
    if (exp === null) delete ver.expiresMs;
    else if (exp !== undefined) ver.expiresMs = exp;
    if (nbf === null) delete ver.notBeforeMs;
    else if (nbf !== undefined) ver.notBeforeMs = nbf;
    if (Array.isArray(body.key_ops)) ver.keyOps = body.key_ops.map(String);
    if (tags) k.tags = tags;
    ver.updatedMs = store.clock.now();
    return bundle(r, k, ver);
  };
  add('PATCH', '/keys/{keyName}', 'Microsoft.KeyVault/vaults/keys/update/action', (r) => {
    const k = findKey(r);
    return update(r, k, latestVersion(k));
  });
  add('PATCH', '/keys/{keyName}/{keyVersion}', 'Microsoft.KeyVault/vaults/keys/update/action', (r) => {
    const k = findKey(r);
    return update(r, k, findVersion(r, k));
  });

  const crypto = (op: 'encrypt' | 'decrypt' | 'wrapKey' | 'unwrapKey') => async (r: DataRequest): Promise<Reply> => {
    const k = findKey(r);
    const ver = findVersion(r, k);
    const body = await jsonBody(r);
    // rule: emu-key-op-not-permitted
    if (!isRsa(ver)) throw badParameter(`Operation ${op} is not allowed on a key of type ${ver.kty}.`);
    // rule: emu-key-op-not-permitted
    if (!ver.keyOps.includes(op)) throw badParameter(`Operation ${op} is not allowed on this key.`);
    // rule: emu-key-op-disabled
    if (!ver.enabled) throw new HttpError(403, 'Forbidden', `Operation ${op} is not allowed on a disabled key.`);
    // rule: emu-key-request-invalid
    if (typeof body.value !== 'string') throw badParameter("Property 'value' is required.");
    const oaepHashName = oaepHash(body.alg);
    const pair = await deps.material.rsaPair(ver);
    const input = Buffer.from(body.value, 'base64url');
    const padding = constants.RSA_PKCS1_OAEP_PADDING;
    let out: Buffer;
    try {
      out = op === 'encrypt' || op === 'wrapKey'
        ? publicEncrypt({ key: pair.publicKey, padding, oaepHash: oaepHashName }, input)
        : privateDecrypt({ key: pair.privateKey, padding, oaepHash: oaepHashName }, input);
    } catch {
      // rule: emu-key-op-algorithm
      throw badParameter(`The value could not be processed by ${op} (${String(body.alg)}).`);
    }
    return json(200, { kid: `${r.baseUrl}/keys/${k.name}/${ver.version}`, value: out.toString('base64url') });
  };
  add('POST', '/keys/{keyName}/{keyVersion}/encrypt', 'Microsoft.KeyVault/vaults/keys/encrypt/action', crypto('encrypt'));
  add('POST', '/keys/{keyName}/{keyVersion}/decrypt', 'Microsoft.KeyVault/vaults/keys/decrypt/action', crypto('decrypt'));
  add('POST', '/keys/{keyName}/{keyVersion}/wrapkey', 'Microsoft.KeyVault/vaults/keys/wrap/action', crypto('wrapKey'));
  add('POST', '/keys/{keyName}/{keyVersion}/unwrapkey', 'Microsoft.KeyVault/vaults/keys/unwrap/action', crypto('unwrapKey'));
  return router;
}

export function createDataPlaneHandler(deps: DataPlaneDeps): (req: IncomingMessage, parsed: ParsedRequest, vaultName: string, baseUrl: string) => Promise<Reply> {
  const router = buildRouter(deps);
  return async (req, parsed, vaultName, baseUrl) => {
    await requestLatency(deps.store);
    settle(deps.store);
    const fleet = deps.store.fleet;
    const vault = lookup.vaultByName(fleet, vaultName);
    // A vault that no longer exists has no DNS name in Azure; here its port still answers, with 404.
    // rule: emu-kv-not-found
    if (!vault) throw new HttpError(404, 'VaultNotFound', `The vault '${vaultName}' does not exist.`);

    const auth = checkBearer(req.headers.authorization);
    // rule: emu-kv-auth-challenge
    if (!auth.ok) {
      switch (auth.reason) {
        case 'missing':
          throw challengeError(fleet.tenantId, 'AKV10000: Request is missing a Bearer or PoP token.', deps.challenge);
        case 'expired':
          throw challengeError(fleet.tenantId, "[TokenExpired] Error validating token: 'S2S12086'.", deps.challenge);
        default:
          throw challengeError(fleet.tenantId, 'AKV10022: Invalid token: the token could not be parsed.', deps.challenge);
      }
    }

    const blocked = checkNetwork(vault, auth.principal, req.socket.remoteAddress ?? '');
    if (blocked) throw blocked;

    const apiVersion = queryParam(parsed.query, 'api-version');
    // rule: emu-kv-api-version
    if (!apiVersion) throw new HttpError(400, 'BadParameter', 'The api-version query parameter is missing.');

    const result = router.match(parsed.method, parsed.segments);
    // rule: emu-route-unsupported
    if (result.kind === 'none') {
      throw new HttpError(404, 'NotFound', `The emulator's Key Vault data plane serves no ${parsed.method} ${parsed.path} (not part of the emulated slice).`);
    }
    if (result.kind === 'method-not-allowed') {
      throw new HttpError(405, 'MethodNotAllowed', `The emulator's Key Vault data plane does not support ${parsed.method} on ${parsed.path} yet.`, {
        headers: { allow: result.allowed.join(', ') },
      });
    }
    // rule: emu-kv-api-version
    if (!isAccepted(result.match.apiVersions, apiVersion)) {
      throw new HttpError(400, 'BadParameter', `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${LATEST_DATA_API_VERSION}).`);
    }
    const { action, handle } = result.match.handler;
    const keyName = result.match.params.keyName;
    const decision = deps.authorizer.authorize(auth.principal, vault, action, keyName);
    if (!decision.allowed) throw decision.error;
    try {
      return await handle({ http: parsed, raw: req, params: result.match.params, vault, baseUrl, principal: auth.principal });
    } finally {
      // As for ARM writes (server.ts): what was settled or kept at the old epoch may be stale (a new rotation policy).
      if (isWriteRequest(parsed.method, parsed.pathAndQuery)) deps.store.changed();
    }
  };
}
