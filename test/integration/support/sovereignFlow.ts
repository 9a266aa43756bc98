/**
 * The product against an emulator posing as a sovereign cloud (test/emulator/cloudPose.ts), with the cloud's REAL
 * definition from src/azure/cloud.ts. Run by test/integration/sovereign.test.ts in a process of its own, because the
 * environment must be in place before anything loads:
 *   NODE_EXTRA_CA_CERTS = the pose's certificate, HTTPS_PROXY = the emulator's CONNECT proxy,
 *   NO_PROXY = 127.0.0.1 (only the admin API and one deliberate direct call), AKS_KMS_EMULATOR_INFO = its info file.
 * `node --import tsx sovereignFlow.ts full|small`: prints one `SOVEREIGN_RESULT <json>` line with what it observed;
 * the test asserts on it. `full` runs the CMK public flow on aks-prod-plain (new vault, key, identity) and the
 * foreign-vault preflight; `small` enables CMK with the seeded vault, key and identity.
 */
import { request as httpRequest } from 'node:http';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import type { AzureContext } from '../../../src/azure/azureContext';
import { BUILTIN_CLOUDS, environmentSettingOf, portalResourceUrl, resolveCloud } from '../../../src/azure/cloud';
import { executeEnable, prepareEnable, type PreparedEnable } from '../../../src/azure/enableFlow';
import { FleetService } from '../../../src/azure/fleetService';
import { listKeyVersionsFromDataPlane } from '../../../src/azure/keyVaultData';
import type { EnableConfig } from '../../../src/kms/enable/config';
import { emulatorAdmin, emulatorRequest, readEmulatorInfo } from '../../emulator/client';
import { mintTestToken, testCredential } from '../../emulator/token';

const RESULT_PREFIX = 'SOVEREIGN_RESULT ';
const FOREIGN_VAULT = 'kvforeign01';

const SUB1 = '11111111-1111-4111-8111-111111111111';
const clusterId = (name: string) => `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/${name}`;
const vaultId = (name: string) => `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/${name}`;
const identityId = (name: string) => `/subscriptions/${SUB1}/resourceGroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

const info = readEmulatorInfo();
const admin = emulatorAdmin(info);

/** The test credential, remembering every scope the SDK asked a token for (the Key Vault one comes from the challenge). */
function recordingCredential(scopes: string[]): TokenCredential {
  const inner = testCredential(info);
  return {
    getToken(s: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      scopes.push(...(Array.isArray(s) ? s : [s]));
      return inner.getToken(s, options);
    },
  };
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${url}: ${res.statusCode} ${text}`))));
    })
      .on('error', reject)
      .end();
  });
}

const findingsOf = (p: PreparedEnable) => ({ blocked: p.blocked, codes: p.findings.map((f) => f.code), errors: p.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}: ${f.message}`) });

/** Non-admin requests the emulator served since the last clear: `METHOD host path` (no query). */
async function served(): Promise<{ method: string; host: string; path: string; status: number }[]> {
  return (await admin.requests()).map((r) => ({ method: r.method, host: r.host, path: r.path.split('?')[0], status: r.status }));
}

async function main(mode: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { mode, info };
  const resolved = resolveCloud(environmentSettingOf(info.cloud as 'AzureChinaCloud'), undefined);
  if (!resolved.ok) throw new Error(resolved.problems.join('; '));
  const cloud = resolved.cloud;
  out.cloud = cloud;
  out.cloudIsBuiltinEntry = cloud === BUILTIN_CLOUDS[cloud.name as keyof typeof BUILTIN_CLOUDS];
  out.env = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS };

  const scopes: string[] = [];
  const ctx: AzureContext = { cloud, credential: recordingCredential(scopes) };

  await admin.reset();
  await admin.config({ featureRegistrationDelayMs: 200, clusterUpdateDurationMs: 200, vaultCreateDurationMs: 200, rolePropagationDelayMs: 0 });
  await admin.clearRequests();

  // The fleet, through Resource Graph at the cloud's ARM host.
  const fleet = new FleetService(ctx);
  const subscriptions = await fleet.listSubscriptions();
  const clusters = await fleet.loadClusters(subscriptions.map((s) => s.subscriptionId), { onClusters: () => undefined });
  out.subscriptions = subscriptions.length;
  out.clusters = clusters.length;
  out.seededCmkKeyId = clusters.find((c) => c.name === 'aks-prod-cmk-public')?.kms.keyId;

  const enableOne = async (config: EnableConfig) => {
    const prepared = await prepareEnable(ctx, fleet.clusters, config, { featurePollMs: 100 });
    const result: Record<string, unknown> = { preflight: { ...findingsOf(prepared), vaultUri: prepared.facts?.vault?.vaultUri } };
    if (!prepared.blocked) {
      const outcome = await executeEnable(fleet.clusters, prepared, () => undefined);
      result.status = outcome.result.status;
      result.runResult = outcome.result;
      result.securityProfile = outcome.securityProfile;
    }
    return { prepared, result };
  };

  let vaultName: string;
  if (mode === 'full') {
    vaultName = 'kvchinakms01';
    const config: EnableConfig = {
      kind: 'cmk', clusterId: clusterId('aks-prod-plain'), networkAccess: 'Public',
      vault: { kind: 'new', name: vaultName, resourceGroup: 'rg-prod', location: 'chinaeast2' },
      key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'new', name: 'id-prod-kms', resourceGroup: 'rg-prod', location: 'chinaeast2' },
    };
    out.enable = (await enableOne(config)).result;
    // The same configuration again: now the vault exists, so preflight judges its URI against the cloud's suffix.
    const again = await prepareEnable(ctx, fleet.clusters, config, { featurePollMs: 100 });
    out.rerunPreflight = { ...findingsOf(again), vaultUri: again.facts?.vault?.vaultUri };
  } else {
    vaultName = 'kvprodpublic';
    out.enable = (await enableOne({
      kind: 'cmk', clusterId: clusterId('aks-prod-pmk'), networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId(vaultName) }, key: { kind: 'existing', name: 'aks-kms' },
      identity: { kind: 'existing', id: identityId('id-aks-prod-pmk') },
    })).result;
  }
  out.vaultName = vaultName;
  out.clusterPortalUrl = portalResourceUrl(cloud, clusterId(mode === 'full' ? 'aks-prod-plain' : 'aks-prod-pmk'));
  out.clusterPortalUrlWithTenant = portalResourceUrl(cloud, clusterId('aks-prod-plain'), info.tenantId);

  // The data plane at the vault's URI, through the product's KeyClient (challenge-resource verification per the cloud).
  const vaultUrl = `https://${vaultName}.${cloud.keyVaultDnsSuffix}`;
  out.dataPlaneVersions = (await listKeyVersionsFromDataPlane(ctx, vaultUrl, 'aks-kms')).length;
  // Everything so far came in under the cloud's names, through the proxy.
  out.requests = await served();

  if (mode === 'full') {
    // A vault whose URI is in another cloud's domain (--foreign-vault): created straight on the ARM listener, then
    // offered to preflight as an existing vault.
    const put = await emulatorRequest(info, {
      method: 'PUT',
      url: `${vaultId(FOREIGN_VAULT)}?api-version=2026-02-01`,
      token: mintTestToken(),
      body: { location: 'chinaeast2', properties: { tenantId: info.tenantId, sku: { family: 'A', name: 'standard' }, enableRbacAuthorization: true, enablePurgeProtection: true } },
    });
    if (put.status >= 300) throw new Error(`foreign vault PUT: ${put.status} ${put.text}`);
    await admin.clearRequests();
    const foreign = await prepareEnable(ctx, fleet.clusters, {
      kind: 'cmk', clusterId: clusterId('aks-prod-pmk'), networkAccess: 'Public',
      vault: { kind: 'existing', id: vaultId(FOREIGN_VAULT) }, key: { kind: 'new', name: 'aks-kms' },
      identity: { kind: 'existing', id: identityId('id-aks-prod-pmk') },
    }, { featurePollMs: 100 });
    out.foreignPreflight = { ...findingsOf(foreign), vaultUri: foreign.facts?.vault?.vaultUri };
    out.foreignWrites = (await admin.requests({ write: true })).map((r) => `${r.method} ${r.path.split('?')[0]}`);
  }

  out.tunnels = ((await getJson(`${info.proxyUrl}/_proxy/status`)) as { tunnels: unknown[] }).tunnels;
  out.scopes = [...new Set(scopes)].sort();

  // Counter-check: the same client pointed at the vault's own 127.0.0.1 listener gets the same challenge
  // (resource = the cloud's Key Vault) and must refuse it, because 127.0.0.1 is not in that domain.
  const { directUrl } = (await getJson(`${info.proxyUrl}/_proxy/vaults/${vaultName}`)) as { directUrl: string };
  try {
    await listKeyVersionsFromDataPlane(ctx, directUrl, 'aks-kms');
    out.directChallenge = { refused: false };
  } catch (e) {
    out.directChallenge = { refused: true, message: (e as Error).message };
  }
  return out;
}

main(process.argv[2] ?? 'full').then(
  (out) => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(out)}\n`);
    process.exit(0);
  },
  (e: unknown) => {
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ error: (e as Error)?.stack ?? String(e) })}\n`);
    process.exit(1);
  },
);
