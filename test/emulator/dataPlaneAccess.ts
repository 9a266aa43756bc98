// Who may reach a vault's data plane: the network rules (firewall / public access) and an authorizer
// (rbac.ts: role assignments with propagation delay, or access policies for non-RBAC vaults).
import type { Principal } from './auth';
import { HttpError } from './errors';
import type { VaultRecord } from './state';

/** Azure RBAC data actions the data plane checks (names as in Key Vault's built-in role definitions). */
export type KeyVaultDataAction =
  | 'Microsoft.KeyVault/vaults/keys/read'
  | 'Microsoft.KeyVault/vaults/keys/create/action'
  | 'Microsoft.KeyVault/vaults/keys/update/action'
  | 'Microsoft.KeyVault/vaults/keys/rotate/action'
  | 'Microsoft.KeyVault/vaults/keys/delete'
  | 'Microsoft.KeyVault/vaults/keys/recover/action'
  | 'Microsoft.KeyVault/vaults/keys/encrypt/action'
  | 'Microsoft.KeyVault/vaults/keys/decrypt/action'
  | 'Microsoft.KeyVault/vaults/keys/wrap/action'
  | 'Microsoft.KeyVault/vaults/keys/unwrap/action'
  | 'Microsoft.KeyVault/vaults/keyrotationpolicies/read'
  | 'Microsoft.KeyVault/vaults/keyrotationpolicies/write';

export type AccessDecision = { allowed: true } | { allowed: false; error: HttpError };

/** Decides whether `principal` may perform `action` on the vault (on `keyName` when the call names one). */
export interface DataPlaneAuthorizer {
  authorize(principal: Principal, vault: VaultRecord, action: KeyVaultDataAction, keyName?: string): AccessDecision;
}

/** For in-process experiments that want the data plane without RBAC (startEmulator({authorizer})). */
export const allowAllAuthorizer: DataPlaneAuthorizer = {
  authorize: () => ({ allowed: true }),
};

export interface NetworkCheckOptions {
  /**
   * The caller is a trusted Azure service (AKS's KMS plugin, checked by the cluster PUT rules). Callers
   * with a token never are: the signed-in user and test tokens reach the vault over the public network.
   */
  readonly trustedService?: boolean;
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** `value` is an IPv4 address or CIDR range, as in networkAcls.ipRules. */
function ipRuleMatches(value: string, clientIp: string): boolean {
  const [net, bitsText] = value.split('/');
  const a = ipv4ToInt(net);
  const b = ipv4ToInt(clientIp.replace(/^::ffff:/, ''));
  if (a === undefined || b === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

export function callerText(p: Principal): string {
  const appid = typeof p.claims.appid === 'string' ? p.claims.appid : '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
  return `appid=${appid};oid=${p.oid};iss=https://sts.windows.net/${p.tid}/`;
}

/** The vault firewall: 403 ForbiddenByConnection / ForbiddenByFirewall, or undefined when the call may pass. */
export function checkNetwork(vault: VaultRecord, principal: Principal, clientIp: string, opts: NetworkCheckOptions = {}): HttpError | undefined {
  // A trusted service passes only where the vault lets trusted services bypass its network rules.
  const trusted = opts.trustedService === true && vault.networkAcls.bypass === 'AzureServices';
  const where = `Vault: ${vault.name};location=${vault.location}`;
  // rule: emu-kv-firewall-public-access-disabled
  if (vault.publicNetworkAccess === 'Disabled' && !trusted) {
    return new HttpError(
      403,
      'Forbidden',
      `Public network access is disabled and request is not from a trusted service nor via an approved private link.\r\nCaller: ${callerText(principal)}\r\n${where}`,
      { innererror: { code: 'ForbiddenByConnection' } },
    );
  }
  const acls = vault.networkAcls;
  if (acls.defaultAction !== 'Deny') return undefined;
  if (trusted) return undefined;
  // rule: emu-kv-firewall-deny
  if (acls.ipRules.some((r) => ipRuleMatches(r.value, clientIp))) return undefined;
  return new HttpError(
    403,
    'Forbidden',
    `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${clientIp.replace(/^::ffff:/, '')}\r\nCaller: ${callerText(principal)}\r\n${where}`,
    { innererror: { code: 'ForbiddenByFirewall' } },
  );
}
