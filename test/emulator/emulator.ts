// Composition root: certificate, one listener per vault, the store (seeded at the clock's "now"),
// the ARM listener. main.ts runs it as a process; tests may also run it in-process.
import type { Server } from 'node:https';
import { AdjustableClock, type Clock } from './clock';
import { loadOrCreatePoseTls, POSE_CLOUDS, poseVaultBaseUrl, type PoseCloudName } from './cloudPose';
import { startConnectProxy, type ConnectProxy } from './connectProxy';
import type { DataPlaneAuthorizer } from './dataPlaneAccess';
import { FaultInjector } from './faults';
import { generatedVaultNames, type GeneratedFleetSpec } from './generate';
import type { EmulatorInfo } from './info';
import { KeyMaterial } from './keyMaterial';
import { createRbacAuthorizer } from './rbac';
import { RequestLog } from './requestLog';
import { createDataPlaneHandler, KEYVAULT_RESOURCE } from './routes/keyVaultData';
import { SEED } from './seed';
import { listen } from './http';
import { createArmServer } from './server';
import { DEFAULT_CONFIG, EmulatorStore } from './state';
import { loadOrCreateTls } from './tls';
import { VaultListeners } from './vaultListener';

/**
 * VS Code's authentication provider for every cloud but public Azure (the Azure extensions' sign-in library picks
 * it for a custom cloud such as this emulator); test/emulator-auth registers it in place of the built-in one.
 */
export const AUTH_PROVIDER_ID = 'microsoft-sovereign-cloud';

export interface EmulatorOptions {
  /** ARM listener port; 0 = any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Reuse cert.pem/key.pem here, or generate and write them here; default: a fresh temp dir. */
  readonly tlsDir?: string;
  /** Start with Resource Graph rows omitting preview-only fields. */
  readonly omitPreviewFields?: boolean;
  /** Items per page of ARM lists (default 3, so 4 subscriptions and 12 clusters really page). */
  readonly pageSize?: number;
  /** Items per page of Key Vault data-plane lists (default 2). */
  readonly keyVaultPageSize?: number;
  /** Start-up `requestLatencyMs` (restored by every reset): a fixed delay before each ARM and data-plane request. */
  readonly requestLatencyMs?: number;
  /** Add N subscriptions × M clusters to the seed (generate.ts), at start-up and on every plain reset. */
  readonly generateFleet?: GeneratedFleetSpec;
  readonly clock?: Clock;
  /** Data-plane authorization; default: role assignments and access policies (rbac.ts). */
  readonly authorizer?: DataPlaneAuthorizer;
  /** Pose as this cloud (cloudPose.ts): its vault hosts, challenge and certificate names, reached through a CONNECT proxy. Default: the local mode. */
  readonly cloud?: PoseCloudName;
  /** Posing only: vaults (seeded or created later) whose URI is in another cloud's Key Vault domain. */
  readonly foreignVaults?: readonly string[];
}

export interface RunningEmulator {
  readonly info: EmulatorInfo;
  readonly store: EmulatorStore;
  readonly log: RequestLog;
  readonly vaults: VaultListeners;
  /** POST /_emulator/faults rules; reset clears them. */
  readonly faults: FaultInjector;
  /** Resource ages are relative to it; POST /_emulator/clock advances it. */
  readonly clock: Clock;
  /** Posing only: the CONNECT proxy (info.proxyUrl). */
  readonly proxy?: ConnectProxy;
  close(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 3;
export const DEFAULT_KEYVAULT_PAGE_SIZE = 2;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? new AdjustableClock();
  const pose = options.cloud ? POSE_CLOUDS[options.cloud] : undefined;
  if (!pose && options.foreignVaults?.length) throw new Error('emulator: foreign vaults need a cloud pose (--cloud)');
  const foreignVaults = new Set((options.foreignVaults ?? []).map((v) => v.toLowerCase()));
  const tls = pose ? await loadOrCreatePoseTls(pose, options.tlsDir) : await loadOrCreateTls(options.tlsDir);
  const log = new RequestLog();
  const faults = new FaultInjector(log);

  // Vault ports must exist before seeding: cluster key ids and vault URIs name them.
  const vaults = new VaultListeners({ tls, host: '127.0.0.1', log, faults, ...(pose ? { publicBaseUrl: poseVaultBaseUrl(pose, foreignVaults) } : {}) });
  await Promise.all([...SEED.vaults.map((v) => v.name), ...generatedVaultNames(options.generateFleet)].map((v) => vaults.open(v)));

  const store = new EmulatorStore({
    clock,
    endpoints: vaults,
    initialConfig: {
      ...DEFAULT_CONFIG,
      resourceGraphOmitsPreviewFields: options.omitPreviewFields ?? false,
      requestLatencyMs: options.requestLatencyMs ?? DEFAULT_CONFIG.requestLatencyMs,
    },
    generateFleet: options.generateFleet,
  });
  vaults.setHandler(
    createDataPlaneHandler({
      store,
      material: new KeyMaterial(),
      authorizer: options.authorizer ?? createRbacAuthorizer(store),
      pageSize: options.keyVaultPageSize ?? DEFAULT_KEYVAULT_PAGE_SIZE,
      ...(pose ? { challenge: { authority: pose.activeDirectoryEndpoint, resource: pose.keyVaultResource } } : {}),
    }),
  );

  const arm = createArmServer({ tls, log, faults, store, vaults, pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE });
  let port: number;
  try {
    port = await listen(arm, host, options.port ?? 0);
  } catch (e) {
    await vaults.closeAll();
    throw e;
  }
  const armEndpoint = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let proxy: ConnectProxy | undefined;
  if (pose) {
    try {
      const armHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
      proxy = await startConnectProxy({ cloud: pose, arm: { host: armHost, port }, vaultPort: (v) => vaults.port(v), foreignVaults });
    } catch (e) {
      await Promise.all([closeServer(arm), vaults.closeAll()]);
      throw e;
    }
  }

  const info: EmulatorInfo = {
    armEndpoint,
    caCertPath: tls.certPath,
    tenantId: store.fleet.tenantId,
    userObjectId: store.fleet.userObjectId,
    keyVaultDnsSuffix: pose ? pose.keyVaultDnsSuffix : '127.0.0.1',
    keyVaultResource: pose ? pose.keyVaultResource : KEYVAULT_RESOURCE,
    authProviderId: pose?.name === 'AzureCloud' ? 'microsoft' : AUTH_PROVIDER_ID,
    portalUrl: pose ? pose.portalUrl : `${armEndpoint}/portal`,
    pid: process.pid,
    tenants: store.fleet.tenants.map((t) => ({ tenantId: t.tenantId, displayName: t.displayName, ...(t.requiresInteractiveSignIn ? { requiresInteractiveSignIn: true } : {}) })),
    ...(pose && proxy ? { cloud: pose.name, proxyUrl: proxy.url, resourceManagerEndpoint: pose.resourceManagerEndpoint } : {}),
  };

  return {
    info,
    store,
    log,
    vaults,
    faults,
    clock,
    ...(proxy ? { proxy } : {}),
    close: async () => {
      await Promise.all([closeServer(arm), vaults.closeAll(), proxy?.close()]);
    },
  };
}
