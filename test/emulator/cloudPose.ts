// Posing as a real cloud (`--cloud AzureChinaCloud|AzureUSGovernment|AzureCloud`). The product then runs with that
// cloud's real definition, unmodified: vault URIs are `https://<vault>.<suffix>/`, key ids use that host, the Key Vault
// challenge names the cloud's resource and authority, and every client reaches the emulator through the CONNECT proxy
// (connectProxy.ts) that tunnels the cloud's ARM host and `*.<suffix>` — and nothing else — to the emulator's listeners.
// Without `--cloud` (the local mode) none of this is used and the emulator is exactly what it was.
//
// The endpoints are AZURE.md's "Clouds" table, copied here on purpose: the emulator follows Azure, not the product's
// table (src/azure/cloud.ts), so a wrong host there fails a test instead of being mirrored.
import { loadOrCreateTls, type TlsMaterial } from './tls';

export const POSE_CLOUD_NAMES = ['AzureCloud', 'AzureChinaCloud', 'AzureUSGovernment'] as const;
export type PoseCloudName = (typeof POSE_CLOUD_NAMES)[number];

export interface PoseCloud {
  readonly name: PoseCloudName;
  /** `https://management.chinacloudapi.cn` (no trailing slash); Resource Graph too. */
  readonly resourceManagerEndpoint: string;
  /** Entra ID authority host; the Key Vault challenge names `<authority>/<tenant>`. */
  readonly activeDirectoryEndpoint: string;
  /** `vault.azure.cn`: every vault is `<name>.<suffix>`. */
  readonly keyVaultDnsSuffix: string;
  /** The Key Vault challenge's `resource`. */
  readonly keyVaultResource: string;
  readonly portalUrl: string;
}

export const POSE_CLOUDS: Readonly<Record<PoseCloudName, PoseCloud>> = {
  AzureCloud: {
    name: 'AzureCloud',
    resourceManagerEndpoint: 'https://management.azure.com',
    activeDirectoryEndpoint: 'https://login.microsoftonline.com',
    keyVaultDnsSuffix: 'vault.azure.net',
    keyVaultResource: 'https://vault.azure.net',
    portalUrl: 'https://portal.azure.com',
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    activeDirectoryEndpoint: 'https://login.chinacloudapi.cn',
    keyVaultDnsSuffix: 'vault.azure.cn',
    keyVaultResource: 'https://vault.azure.cn',
    portalUrl: 'https://portal.azure.cn',
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    activeDirectoryEndpoint: 'https://login.microsoftonline.us',
    keyVaultDnsSuffix: 'vault.usgovcloudapi.net',
    keyVaultResource: 'https://vault.usgovcloudapi.net',
    portalUrl: 'https://portal.azure.us',
  },
};

export function parsePoseCloud(text: string): PoseCloudName {
  const found = POSE_CLOUD_NAMES.find((n) => n.toLowerCase() === text.toLowerCase());
  if (!found) throw new Error(`--cloud must be one of ${POSE_CLOUD_NAMES.join(', ')}, got '${text}'`);
  return found;
}

export function armHostOf(cloud: PoseCloud): string {
  return new URL(cloud.resourceManagerEndpoint).hostname;
}

/** The Key Vault domain of another cloud: where a `--foreign-vault` claims to live. */
export function foreignKeyVaultDnsSuffix(cloud: PoseCloud): string {
  return cloud.name === 'AzureCloud' ? POSE_CLOUDS.AzureChinaCloud.keyVaultDnsSuffix : POSE_CLOUDS.AzureCloud.keyVaultDnsSuffix;
}

/**
 * A vault's base URL in the pose (no trailing slash): `https://<name>.<suffix>`, lower case as DNS names are. A vault
 * named in `foreignVaults` gets another cloud's suffix — a vault that cannot belong to this cloud, for the preflight
 * rule that refuses one; the proxy does not tunnel it (it is outside the cloud).
 */
export function poseVaultBaseUrl(cloud: PoseCloud, foreignVaults: ReadonlySet<string>): (vaultName: string) => string {
  const foreign = foreignKeyVaultDnsSuffix(cloud);
  return (vaultName) => {
    const name = vaultName.toLowerCase();
    return `https://${name}.${foreignVaults.has(name) ? foreign : cloud.keyVaultDnsSuffix}`;
  };
}

/** The vault a host names when it is `<vault>.<suffix>` of the pose, else undefined. */
export function vaultNameOfHost(cloud: PoseCloud, host: string): string | undefined {
  const suffix = `.${cloud.keyVaultDnsSuffix}`;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h.endsWith(suffix)) return undefined;
  const label = h.slice(0, -suffix.length);
  return /^[a-z0-9-]{1,63}$/.test(label) ? label : undefined;
}

/**
 * The pose's certificate: like tls.ts (self-signed, its own CA, EC P-256, reused from `dir` when still good) but also
 * valid for the cloud's ARM host and `*.<suffix>`, so a client that trusts it (NODE_EXTRA_CA_CERTS) and reaches the
 * listeners through the proxy sees the cloud's real names. Files `pose-<cloud>-cert.pem` / `-key.pem`, next to the
 * local mode's cert.pem, which stays untouched. Only processes pointed at this file trust it.
 */
export async function loadOrCreatePoseTls(cloud: PoseCloud, dir?: string): Promise<TlsMaterial> {
  return loadOrCreateTls(dir, {
    filePrefix: `pose-${cloud.name}-`,
    commonName: `AKS KMS emulator posing as ${cloud.name}`,
    hosts: [armHostOf(cloud), `*.${cloud.keyVaultDnsSuffix}`],
  });
}
