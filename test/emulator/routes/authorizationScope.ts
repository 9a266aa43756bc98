// Resolves the `{scope}` of Microsoft.Authorization paths the way ARM does before the authorization
// provider sees it: the subscription, resource group and (for the resource types the emulator serves)
// the resource must exist. Other resource types are taken on trust.
import { resourceNotFound } from '../errors';
import { normalizeScope } from '../scopes';
import { lookup, type FleetState } from '../state';
import { requireResourceGroup, requireSubscription } from './scope';

const SCOPE = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+)(?:\/providers\/([^/]+)\/([^/]+)\/([^/]+)(?:\/.*)?)?)?$/i;

/** The normalised scope (`/` for the tenant root); throws ARM's 404 when part of it does not exist. */
export function resolveScope(fleet: FleetState, rawScope: string): string {
  const scope = normalizeScope(rawScope);
  if (scope === '/') return scope;
  const m = SCOPE.exec(scope);
  if (!m) return scope;
  const [, sub, rg, ns, type, name] = m;
  if (!rg) {
    requireSubscription(fleet, sub);
    return scope;
  }
  requireResourceGroup(fleet, sub, rg);
  if (!ns) return scope;
  const kind = `${ns}/${type}`.toLowerCase();
  const exists =
    kind === 'microsoft.keyvault/vaults'
      ? lookup.vault(fleet, sub, rg, name) !== undefined
      : kind === 'microsoft.containerservice/managedclusters'
        ? lookup.cluster(fleet, sub, rg, name) !== undefined
        : kind === 'microsoft.managedidentity/userassignedidentities'
          ? lookup.identity(fleet, sub, rg, name) !== undefined
          : true;
  if (!exists) throw resourceNotFound(`${ns}/${type}`, name, rg);
  return scope;
}
