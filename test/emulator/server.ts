// The ARM listener: HTTPS, request log, admin API, bearer auth, api-version checks, routing, and
// ARM's error shape `{error:{code,message}}` for everything that goes wrong.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleAdmin, isAdminPath } from './admin';
import type { FaultInjector } from './faults';
import { isAccepted } from './apiVersions';
import { armAuthError, checkBearer } from './auth';
import { HttpError, wrongTokenTenant } from './errors';
import { armHeaders, errorReply, parseRequest, queryParam, writeReply, type ParsedRequest, type Reply } from './http';
import { connectionIdOf, isWriteRequest, type RequestLog } from './requestLog';
import { requestLatency } from './latency';
import { settle } from './lifecycle';
import { Router } from './router';
import { registerAccessPolicyRoutes } from './routes/accessPolicies';
import { registerFeatureRoutes } from './routes/features';
import { registerIdentityRoutes } from './routes/identities';
import { registerManagedClusterRoutes } from './routes/managedClusters';
import { registerPermissionRoutes } from './routes/permissions';
import { portalReply, isPortalPath } from './routes/portal';
import { registerDeploymentRoutes } from './routes/deployments';
import { registerProviderRoutes } from './routes/providers';
import { registerResourceGraphRoutes } from './routes/resourceGraph';
import { registerRoleAssignmentRoutes } from './routes/roleAssignments';
import { registerRoleDefinitionRoutes } from './routes/roleDefinitions';
import { registerSubscriptionRoutes } from './routes/subscriptions';
import type { ArmDeps, ArmHandler } from './routes/types';
import { registerVaultKeyRoutes } from './routes/vaultKeys';
import { registerVaultRoutes } from './routes/vaults';
import { lookup, type EmulatorStore } from './state';
import type { TlsMaterial } from './tls';

export interface ArmServerOptions extends ArmDeps {
  readonly tls: TlsMaterial;
  readonly log: RequestLog;
  /** Fault rules of POST /_emulator/faults, checked before auth and routing. */
  readonly faults: FaultInjector;
}

export function buildArmRouter(deps: ArmDeps): Router<ArmHandler> {
  const router = new Router<ArmHandler>();
  registerSubscriptionRoutes(router, deps);
  registerManagedClusterRoutes(router, deps);
  registerResourceGraphRoutes(router, deps);
  registerVaultRoutes(router, deps);
  registerVaultKeyRoutes(router, deps);
  registerAccessPolicyRoutes(router, deps);
  registerFeatureRoutes(router, deps);
  registerProviderRoutes(router, deps);
  registerDeploymentRoutes(router, deps);
  registerIdentityRoutes(router, deps);
  // Scope-based routes (`/{*scope}/providers/Microsoft.Authorization/…`) last: fixed routes win.
  registerRoleDefinitionRoutes(router, deps);
  registerRoleAssignmentRoutes(router, deps);
  registerPermissionRoutes(router, deps);
  return router;
}

async function handleArm(req: IncomingMessage, parsed: ParsedRequest, router: Router<ArmHandler>, store: EmulatorStore): Promise<Reply> {
  // The injected round-trip time first: state is read when the request "arrives".
  await requestLatency(store);
  // ARM authenticates before anything else.
  const auth = checkBearer(req.headers.authorization);
  // rule: emu-arm-auth
  if (!auth.ok) throw armAuthError(auth);
  // Time-driven state (registrations, LROs, propagation) is brought up to "now" before any answer.
  settle(store);

  const apiVersion = queryParam(parsed.query, 'api-version');
  // rule: emu-arm-api-version
  if (apiVersion === undefined || apiVersion === '') {
    throw new HttpError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }

  const result = router.match(parsed.method, parsed.segments);
  // rule: emu-route-unsupported
  if (result.kind === 'none') {
    throw new HttpError(404, 'NotFound', `The emulator serves no ${parsed.method} ${parsed.path} (not part of the emulated slice of Azure).`);
  }
  if (result.kind === 'method-not-allowed') {
    throw new HttpError(405, 'MethodNotAllowed', `The emulator does not support ${parsed.method} on ${parsed.path} yet (allowed: ${result.allowed.join(', ')}).`, {
      headers: { allow: result.allowed.join(', ') },
    });
  }
  const { match } = result;
  // A subscription answers only tokens of its own directory.
  // rule: emu-token-tenant
  const subscriptionTenant = parsed.segments[0]?.toLowerCase() === 'subscriptions' && parsed.segments[1] ? lookup.tenantOf(store.fleet, parsed.segments[1]) : undefined;
  if (subscriptionTenant && subscriptionTenant.toLowerCase() !== auth.principal.tid.toLowerCase()) {
    throw wrongTokenTenant(auth.principal.tid, subscriptionTenant);
  }
  // rule: emu-arm-api-version
  if (!isAccepted(match.apiVersions, apiVersion)) {
    throw new HttpError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '${match.apiVersions.join(',')}'.`,
    );
  }
  try {
    return await match.handler({ http: parsed, raw: req, params: match.params, apiVersion, principal: auth.principal });
  } finally {
    // Whatever a write did (or half did), results computed before it are no longer current.
    if (isWriteRequest(parsed.method, parsed.pathAndQuery)) store.changed();
  }
}

export function createArmServer(opts: ArmServerOptions): Server {
  const router = buildArmRouter(opts);
  return createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    const parsed = parseRequest(req);
    const admin = isAdminPath(parsed.path);
    if (!admin) {
      res.on('finish', () => {
        const ifMatch = req.headers['if-match'];
        const emptySegment = /[^/]\/\/+[^/]/.test((req.url ?? '').split('?')[0]);
        opts.log.add({ method: parsed.method, path: parsed.pathAndQuery, status: res.statusCode, at: new Date().toISOString(), host: req.headers.host ?? '', connection: connectionIdOf(req.socket), ...(ifMatch ? { ifMatch } : {}), ...(emptySegment ? { emptySegment: true as const } : {}) });
      });
      if (opts.faults.intercept(req, res, parsed, { kind: 'arm', store: opts.store })) return;
    }
    const work: Promise<Reply> = admin
      ? handleAdmin(req, parsed, opts.store, opts.log, opts.faults, opts.vaults)
      : isPortalPath(parsed.path)
        ? Promise.resolve(portalReply(parsed))
        : handleArm(req, parsed, router, opts.store);
    work
      .catch((e: unknown): Reply => {
        if (e instanceof HttpError) return errorReply(e);
        return errorReply(new HttpError(500, 'InternalServerError', `Emulator error: ${(e as Error)?.stack ?? String(e)}`));
      })
      .then((reply) => writeReply(res, reply, armHeaders(req), req.headers['accept-encoding']))
      .catch(() => res.destroy());
  });
}
