// Admin API on the ARM listener (docs/CONTRACTS.md): no auth, loopback only, JSON bodies.
//   POST /_emulator/reset [{generateFleet}] · GET|POST /_emulator/config · POST /_emulator/clock · GET|DELETE /_emulator/requests
//   GET|POST|DELETE /_emulator/faults · GET /_emulator/resources · GET /_emulator/health · POST /_emulator/deployments
import type { IncomingMessage } from 'node:http';
import { isControllable } from './clock';
import { HttpError } from './errors';
import { handleFaultsAdmin, type FaultInjector } from './faults';
import { isLoopback, json, readJsonBody, type ParsedRequest, type Reply } from './http';
import { isJsonObject } from './json';
import { settle } from './lifecycle';
import type { RequestLog } from './requestLog';
import { summarizeResources } from './resourceSummary';
import { fleetSpecProblem, generatedVaultNames, type GeneratedFleetSpec } from './generate';
import { DEFAULT_CLUSTER_FAULT, type EmulatorConfig, type EmulatorStore, type VaultProvisioner } from './state';

export const ADMIN_PREFIX = '/_emulator';

export function isAdminPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === ADMIN_PREFIX || p.startsWith(`${ADMIN_PREFIX}/`);
}

const DURATION_SWITCHES = [
  'featureRegistrationDelayMs',
  'clusterUpdateDurationMs',
  'vaultCreateDurationMs',
  'rolePropagationDelayMs',
  'requestLatencyMs',
  'identityCreateDurationMs',
  'roleAssignmentCreateDurationMs',
] as const;

// rule: emu-admin-invalid
function invalid(message: string): HttpError {
  return new HttpError(400, 'InvalidConfig', message);
}

function nonNegativeInteger(k: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`'${k}' must be an integer ≥ 0.`);
  return v;
}

/** Validates a config patch against the current config: only known switches, each with its type. */
function applyConfigPatch(body: unknown, current: EmulatorConfig): EmulatorConfig {
  if (body === undefined) return current;
  if (!isJsonObject(body)) throw invalid('The config body must be a JSON object.');
  const next: EmulatorConfig = { ...current };
  for (const [k, v] of Object.entries(body)) {
    if (k === 'resourceGraphOmitsPreviewFields' || k === 'guestDirectories') {
      if (typeof v !== 'boolean') throw invalid(`'${k}' must be a boolean.`);
      next[k] = v;
    } else if ((DURATION_SWITCHES as readonly string[]).includes(k)) {
      next[k as (typeof DURATION_SWITCHES)[number]] = nonNegativeInteger(k, v);
    } else if (k === 'failNextClusterOperations') {
      if (!isJsonObject(v)) throw invalid(`'${k}' must be an object {count, code?, message?}.`);
      const count = nonNegativeInteger(`${k}.count`, v.count);
      if (v.code !== undefined && (typeof v.code !== 'string' || v.code === '')) throw invalid(`'${k}.code' must be a non-empty string.`);
      if (v.message !== undefined && typeof v.message !== 'string') throw invalid(`'${k}.message' must be a string.`);
      next.failNextClusterOperations = {
        count,
        code: (v.code as string | undefined) ?? DEFAULT_CLUSTER_FAULT.code,
        message: (v.message as string | undefined) ?? DEFAULT_CLUSTER_FAULT.message,
      };
    } else {
      throw invalid(`Unknown config switch '${k}'.`);
    }
  }
  return next;
}

/** `POST /_emulator/reset` body: `{}` (the start-up fleet) or `{generateFleet: {subscriptions, clustersPerSubscription} | null}`. */
function parseResetBody(body: unknown): GeneratedFleetSpec | null | undefined {
  if (body === undefined) return undefined;
  if (!isJsonObject(body)) throw invalid('The reset body must be a JSON object.');
  for (const k of Object.keys(body)) if (k !== 'generateFleet') throw invalid(`Unknown reset option '${k}'.`);
  const spec = body.generateFleet;
  if (spec === undefined || spec === null) return spec;
  if (!isJsonObject(spec)) throw invalid("'generateFleet' must be an object {subscriptions, clustersPerSubscription} or null.");
  for (const k of Object.keys(spec)) if (k !== 'subscriptions' && k !== 'clustersPerSubscription') throw invalid(`Unknown generateFleet option '${k}'.`);
  const problem = fleetSpecProblem(spec);
  if (problem) throw invalid(`'generateFleet': ${problem}.`);
  return { subscriptions: spec.subscriptions as number, clustersPerSubscription: spec.clustersPerSubscription as number };
}

function configReply(store: EmulatorStore): Reply {
  return json(200, { ...store.config, failNextClusterOperations: { ...store.config.failNextClusterOperations } });
}

export async function handleAdmin(
  req: IncomingMessage,
  parsed: ParsedRequest,
  store: EmulatorStore,
  log: RequestLog,
  faults?: FaultInjector,
  vaults?: VaultProvisioner,
): Promise<Reply> {
  // rule: emu-admin-invalid
  if (!isLoopback(req)) throw new HttpError(403, 'Forbidden', 'The emulator admin API answers loopback callers only.');
  const route = `${parsed.method} ${parsed.path.toLowerCase()}`;
  if (faults && parsed.path.toLowerCase() === `${ADMIN_PREFIX}/faults`) return handleFaultsAdmin(req, parsed.method, faults);
  switch (route) {
    case `GET ${ADMIN_PREFIX}/resources`:
      settle(store);
      return json(200, summarizeResources(store.fleet));
    case `GET ${ADMIN_PREFIX}/health`:
      return json(200, { ok: true });
    case `POST ${ADMIN_PREFIX}/reset`: {
      const spec = parseResetBody(await readJsonBody(req));
      // A generated fleet's vaults need their data-plane listeners before key ids can name them.
      const vaultNames = generatedVaultNames(spec === undefined ? store.startupFleet : (spec ?? undefined));
      if (vaultNames.length && !vaults) throw invalid('This emulator cannot open vault listeners for a generated fleet.');
      await Promise.all(vaultNames.map((v) => vaults!.open(v)));
      const started = Date.now();
      store.reset(spec);
      faults?.clear();
      const f = store.fleet;
      return json(200, { ok: true, subscriptions: f.subscriptions.length, clusters: f.clusters.length, seedMs: Date.now() - started });
    }
    case `POST ${ADMIN_PREFIX}/config`:
      store.config = applyConfigPatch(await readJsonBody(req), store.config);
      return configReply(store);
    case `GET ${ADMIN_PREFIX}/config`:
      return configReply(store);
    case `POST ${ADMIN_PREFIX}/clock`: {
      const body = await readJsonBody(req);
      if (!isJsonObject(body)) throw invalid("The clock body must be a JSON object {advanceMs}.");
      const advanceMs = nonNegativeInteger('advanceMs', body.advanceMs);
      if (!isControllable(store.clock)) throw invalid('This emulator runs with a clock that cannot be moved.');
      store.clock.advance(advanceMs);
      // Whatever became due (LROs, registrations, automatic key rotation) happens now.
      settle(store);
      return json(200, { offsetMs: store.clock.offset, now: new Date(store.clock.now()).toISOString() });
    }
    case `GET ${ADMIN_PREFIX}/clock`: {
      const offsetMs = isControllable(store.clock) ? store.clock.offset : 0;
      return json(200, { offsetMs, now: new Date(store.clock.now()).toISOString() });
    }
    case `GET ${ADMIN_PREFIX}/requests`: {
      // `?write=true` keeps only the calls that may have changed something (RequestLogEntry.write).
      const all = log.list();
      return json(200, parsed.query.get('write') === 'true' ? all.filter((e) => e.write) : all);
    }
    case `POST ${ADMIN_PREFIX}/deployments`: {
      // A template deployment in a resource group's history (routes/deployments.ts): a past the emulator never ran.
      const body = await readJsonBody(req);
      const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
      if (!isJsonObject(body) || !text(body.subscriptionId) || !text(body.resourceGroup) || !text(body.name) || !Array.isArray(body.outputResources) || !body.outputResources.every(id => typeof id === 'string')) {
        throw invalid('The deployment body must be {subscriptionId, resourceGroup, name, outputResources: [resource id…]}.');
      }
      store.fleet.deployments.push({
        subscriptionId: body.subscriptionId as string, resourceGroup: body.resourceGroup as string, name: body.name as string,
        timestampMs: store.clock.now(), outputResources: body.outputResources as string[],
      });
      return json(200, { ok: true });
    }
    case `DELETE ${ADMIN_PREFIX}/requests`:
      log.clear();
      return { status: 204 };
    default:
      throw new HttpError(404, 'NotFound', `No admin endpoint ${parsed.method} ${parsed.path}.`);
  }
}
