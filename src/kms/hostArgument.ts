/**
 * Command arguments that come from other extensions' trees (or a plain string), reduced to the ARM resource ID they
 * carry, and that ID checked to be an AKS cluster. The hosts' item shapes are not ours to change, so only the fields
 * they document or have kept stable for years are read:
 * - Azure Resources (ms-azuretools.vscode-azureresourcegroups, views `azureResourceGroups` / `azureFocusView`): the
 *   tree element is an `AzureResourceItem` whose `resource` is the `AzureResource`; its `id` is the plain ARM ID (the
 *   item's own `id` carries an `/accounts/…/tenants/…` prefix, so it is not used).
 * - The Kubernetes extension's cloud explorer (`kubernetes.cloudExplorer`) hands commands its own wrapper,
 *   `{nodeType: 'contributed', provider, value}`, where `value` is the AKS extension's `AksClusterTreeNode`
 *   (`{nodeType: 'cluster', armId, …}`); `CloudExplorerV1.resolveCommandTarget` turns it into
 *   `{nodeType: 'resource', cloudName, cloudResource}`. The AKS extension's own API passes the bare node.
 */
import { ArmResourceId, parseArmId } from './armId';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The ARM ID a command argument carries (a non-blank string is taken as one), or undefined for anything else. */
export function hostArmId(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return text(arg);
  }
  const aksNode = (node: unknown) => text(field(node, 'armId'));
  return text(field(field(arg, 'resource'), 'id'))
    ?? aksNode(arg)
    ?? aksNode(field(arg, 'value'))
    ?? aksNode(field(arg, 'cloudResource'));
}

export type ClusterIdCheck =
  | { readonly ok: true; readonly cluster: ArmResourceId }
  /** Not an ARM resource ID at all (e.g. a typo, an empty string). */
  | { readonly ok: false; readonly problem: 'notArmId'; readonly id: string }
  /** An ARM ID of something else (a key vault, a node pool, a resource group…): `name` is its last segment. */
  | { readonly ok: false; readonly problem: 'notCluster'; readonly id: string; readonly name: string };

const CLUSTER_PROVIDER = 'microsoft.containerservice';
const CLUSTER_TYPE = 'managedclusters';

/** Whether `id` names an AKS managed cluster (`Microsoft.ContainerService/managedClusters`, any case). */
export function checkClusterId(id: string): ClusterIdCheck {
  const parsed = parseArmId(id);
  if (parsed && parsed.provider.toLowerCase() === CLUSTER_PROVIDER && parsed.type.toLowerCase() === CLUSTER_TYPE) {
    return { ok: true, cluster: parsed };
  }
  const trimmed = id.trim();
  if (parsed || /^\/subscriptions\/[^/]+/i.test(trimmed)) {
    return { ok: false, problem: 'notCluster', id: trimmed, name: parsed?.name ?? trimmed.split('/').filter(Boolean).pop() ?? trimmed };
  }
  return { ok: false, problem: 'notArmId', id: trimmed };
}
