// Admin API on the ARM listener (docs/CONTRACTS.md): no auth, loopback only, JSON bodies.
//   POST /_emulator/reset · POST /_emulator/config · GET|DELETE /_emulator/requests · GET /_emulator/health
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';
import { isLoopback, json, readJsonBody, type ParsedRequest, type Reply } from './http';
import { isJsonObject } from './json';
import type { RequestLog } from './requestLog';
import type { EmulatorConfig, EmulatorStore } from './state';

export const ADMIN_PREFIX = '/_emulator';

export function isAdminPath(path: string): boolean {
  const p = path.toLowerCase();
  return p === ADMIN_PREFIX || p.startsWith(`${ADMIN_PREFIX}/`);
}

/** Validates a config patch: only known switches, each with its type. */
function parseConfigPatch(body: unknown): Partial<EmulatorConfig> {
  if (body === undefined) return {};
  if (!isJsonObject(body)) throw new HttpError(400, 'InvalidConfig', 'The config body must be a JSON object.');
  const patch: Partial<EmulatorConfig> = {};
  for (const [k, v] of Object.entries(body)) {
    switch (k) {
      case 'resourceGraphOmitsPreviewFields':
        if (typeof v !== 'boolean') throw new HttpError(400, 'InvalidConfig', `'${k}' must be a boolean.`);
        patch.resourceGraphOmitsPreviewFields = v;
        break;
      default:
        throw new HttpError(400, 'InvalidConfig', `Unknown config switch '${k}'.`);
    }
  }
  return patch;
}

export async function handleAdmin(req: IncomingMessage, parsed: ParsedRequest, store: EmulatorStore, log: RequestLog): Promise<Reply> {
  if (!isLoopback(req)) throw new HttpError(403, 'Forbidden', 'The emulator admin API answers loopback callers only.');
  const route = `${parsed.method} ${parsed.path.toLowerCase()}`;
  switch (route) {
    case `GET ${ADMIN_PREFIX}/health`:
      return json(200, { ok: true });
    case `POST ${ADMIN_PREFIX}/reset`:
      store.reset();
      return json(200, { ok: true });
    case `POST ${ADMIN_PREFIX}/config`: {
      const patch = parseConfigPatch(await readJsonBody(req));
      Object.assign(store.config, patch);
      return json(200, { ...store.config });
    }
    case `GET ${ADMIN_PREFIX}/config`:
      return json(200, { ...store.config });
    case `GET ${ADMIN_PREFIX}/requests`:
      return json(200, log.list());
    case `DELETE ${ADMIN_PREFIX}/requests`:
      log.clear();
      return { status: 204 };
    default:
      throw new HttpError(404, 'NotFound', `No admin endpoint ${parsed.method} ${parsed.path}.`);
  }
}
