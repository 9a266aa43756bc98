// The Key Vault data plane of one vault (keys.json 2026-04-01): challenge auth, firewall, api-version,
// then GET /keys, /keys/{n}[/], /keys/{n}/versions, /keys/{n}/{version}. Errors use KeyVaultError.
import type { IncomingMessage } from 'node:http';
import { isAccepted, KEYVAULT_DATA_API_VERSIONS } from '../apiVersions';
import { checkBearer, type Principal } from '../auth';
import { checkNetwork, type DataPlaneAuthorizer } from '../dataPlaneAccess';
import { HttpError } from '../errors';
import { json, queryParam, type ParsedRequest, type Reply } from '../http';
import { latestVersion, renderKeyBundle, renderKeyItem } from '../model/key';
import { pageOf } from '../paging';
import type { RsaKeyStore } from '../rsa';
import { Router } from '../router';
import { lookup, type EmulatorStore, type KeyRecord, type KeyVersionRecord, type VaultRecord } from '../state';

/** Authority in the challenge; the emulator is a custom cloud that signs in "like" public Azure. */
export const CHALLENGE_AUTHORITY = 'https://login.microsoftonline.com';
export const KEYVAULT_RESOURCE = 'https://vault.azure.net';

export interface DataPlaneDeps {
  readonly store: EmulatorStore;
  readonly rsa: RsaKeyStore;
  readonly authorizer: DataPlaneAuthorizer;
  /** Items per page of key lists (small, so clients really follow nextLink). */
  readonly pageSize: number;
}

interface DataRequest {
  readonly http: ParsedRequest;
  readonly params: Readonly<Record<string, string>>;
  readonly vault: VaultRecord;
  readonly baseUrl: string;
  readonly principal: Principal;
}

type DataHandler = (r: DataRequest) => Reply | Promise<Reply>;

const LATEST_DATA_API_VERSION = '2025-07-01';
const KEY_NOT_FOUND_HELP =
  'If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

function keyNotFound(id: string): HttpError {
  return new HttpError(404, 'KeyNotFound', `A key with (name/id) ${id} was not found in this key vault. ${KEY_NOT_FOUND_HELP}`);
}

function challengeError(tenantId: string, message: string): HttpError {
  // The challenge tells the client where to get a token and for which resource (AZURE.md).
  return new HttpError(401, 'Unauthorized', message, {
    headers: { 'www-authenticate': `Bearer authorization="${CHALLENGE_AUTHORITY}/${tenantId}", resource="${KEYVAULT_RESOURCE}"` },
  });
}

function findKey(r: DataRequest): KeyRecord {
  const k = lookup.key(r.vault, r.params.keyName);
  if (!k) throw keyNotFound(r.params.keyName);
  return k;
}

function findVersion(r: DataRequest, k: KeyRecord): KeyVersionRecord {
  const v = k.versions.find((x) => x.version.toLowerCase() === r.params.keyVersion.toLowerCase());
  if (!v) throw keyNotFound(`${r.params.keyName}/${r.params.keyVersion}`);
  return v;
}

function buildRouter(deps: DataPlaneDeps): Router<DataHandler> {
  const router = new Router<DataHandler>();
  const page = { pageSize: deps.pageSize, tokenName: '$skiptoken', topName: 'maxresults', badTokenCode: 'BadParameter' };
  const bundle = async (r: DataRequest, k: KeyRecord, ver: KeyVersionRecord) =>
    json(200, renderKeyBundle(r.vault, k, ver, r.baseUrl, await deps.rsa.get(ver.version, ver.keySize)));

  router.add('GET', '/keys', KEYVAULT_DATA_API_VERSIONS, (r) =>
    json(200, pageOf(r.vault.keys.map((k) => renderKeyItem(r.vault, k, latestVersion(k), r.baseUrl, false)), r.http, page)),
  );
  router.add('GET', '/keys/{keyName}/versions', KEYVAULT_DATA_API_VERSIONS, (r) => {
    const k = findKey(r);
    return json(200, pageOf(k.versions.map((ver) => renderKeyItem(r.vault, k, ver, r.baseUrl, true)), r.http, page));
  });
  // `GET /keys/{n}/` (the SDK's "latest" form) arrives here after trailing-slash normalisation.
  router.add('GET', '/keys/{keyName}', KEYVAULT_DATA_API_VERSIONS, (r) => {
    const k = findKey(r);
    return bundle(r, k, latestVersion(k));
  });
  router.add('GET', '/keys/{keyName}/{keyVersion}', KEYVAULT_DATA_API_VERSIONS, (r) => {
    const k = findKey(r);
    return bundle(r, k, findVersion(r, k));
  });
  return router;
}

export function createDataPlaneHandler(deps: DataPlaneDeps): (req: IncomingMessage, parsed: ParsedRequest, vaultName: string, baseUrl: string) => Promise<Reply> {
  const router = buildRouter(deps);
  return async (req, parsed, vaultName, baseUrl) => {
    const fleet = deps.store.fleet;
    const vault = lookup.vaultByName(fleet, vaultName);
    // A vault that no longer exists has no DNS name in Azure; here its port still answers, with 404.
    if (!vault) throw new HttpError(404, 'VaultNotFound', `The vault '${vaultName}' does not exist.`);

    const auth = checkBearer(req.headers.authorization);
    if (!auth.ok) {
      switch (auth.reason) {
        case 'missing':
          throw challengeError(fleet.tenantId, 'AKV10000: Request is missing a Bearer or PoP token.');
        case 'expired':
          throw challengeError(fleet.tenantId, "[TokenExpired] Error validating token: 'S2S12086'.");
        default:
          throw challengeError(fleet.tenantId, 'AKV10022: Invalid token: the token could not be parsed.');
      }
    }

    const blocked = checkNetwork(vault, auth.principal, req.socket.remoteAddress ?? '');
    if (blocked) throw blocked;

    const apiVersion = queryParam(parsed.query, 'api-version');
    if (!apiVersion) throw new HttpError(400, 'BadParameter', 'The api-version query parameter is missing.');

    const result = router.match(parsed.method, parsed.segments);
    if (result.kind === 'none') {
      throw new HttpError(404, 'NotFound', `The emulator's Key Vault data plane serves no ${parsed.method} ${parsed.path} (not part of the emulated slice).`);
    }
    if (result.kind === 'method-not-allowed') {
      throw new HttpError(405, 'MethodNotAllowed', `The emulator's Key Vault data plane does not support ${parsed.method} on ${parsed.path} yet.`, {
        headers: { allow: result.allowed.join(', ') },
      });
    }
    if (!isAccepted(result.match.apiVersions, apiVersion)) {
      throw new HttpError(400, 'BadParameter', `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${LATEST_DATA_API_VERSION}).`);
    }
    const decision = deps.authorizer.authorize(auth.principal, vault, 'Microsoft.KeyVault/vaults/keys/read');
    if (!decision.allowed) throw decision.error;
    return result.match.handler({ http: parsed, params: result.match.params, vault, baseUrl, principal: auth.principal });
  };
}
