// EmulatorInfo: how every other process finds the emulator (docs/CONTRACTS.md, "Info JSON").
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface EmulatorInfo {
  /** `https://127.0.0.1:PORT` — the ARM listener (no trailing slash). */
  readonly armEndpoint: string;
  /** Absolute path of the self-signed certificate (NODE_EXTRA_CA_CERTS). */
  readonly caCertPath: string;
  readonly tenantId: string;
  readonly userObjectId: string;
  /** Vault hosts are `127.0.0.1:<port>` (posing: the cloud's suffix, e.g. `vault.azure.cn`). */
  readonly keyVaultDnsSuffix: string;
  readonly keyVaultResource: string;
  readonly authProviderId: string;
  readonly portalUrl: string;
  readonly pid: number;
  /** Every directory of the seeded user, the home one first; the sign-in extension plays their conditional access. */
  readonly tenants?: readonly { readonly tenantId: string; readonly displayName: string; readonly requiresInteractiveSignIn?: boolean }[];
  /** Only when posing as a cloud (`--cloud`, cloudPose.ts): its name, e.g. `AzureChinaCloud`. Absent in the local mode. */
  readonly cloud?: string;
  /** Posing only: `http://127.0.0.1:PORT`, the CONNECT proxy to pass as HTTPS_PROXY (connectProxy.ts). */
  readonly proxyUrl?: string;
  /** Posing only: the ARM endpoint the product uses, the cloud's own (`https://management.chinacloudapi.cn`). `armEndpoint` stays the direct listener (admin API). */
  readonly resourceManagerEndpoint?: string;
}

export const EMULATOR_INFO_ENV = 'AKS_KMS_EMULATOR_INFO';
export const READY_PREFIX = 'EMULATOR_READY ';

const FIELDS: readonly (keyof EmulatorInfo)[] = [
  'armEndpoint', 'caCertPath', 'tenantId', 'userObjectId', 'keyVaultDnsSuffix', 'keyVaultResource', 'authProviderId', 'portalUrl', 'pid',
];

/** Parses and checks an info JSON text; throws with the missing field's name. */
export function parseEmulatorInfo(text: string): EmulatorInfo {
  const value = JSON.parse(text) as Record<string, unknown>;
  for (const f of FIELDS) {
    const ok = f === 'pid' ? typeof value[f] === 'number' : typeof value[f] === 'string' && value[f] !== '';
    if (!ok) throw new Error(`emulator info: field '${f}' is missing or has the wrong type`);
  }
  return value as unknown as EmulatorInfo;
}

export function writeEmulatorInfo(path: string, info: EmulatorInfo): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`);
}

export function readEmulatorInfoFile(path: string): EmulatorInfo {
  return parseEmulatorInfo(readFileSync(path, 'utf8'));
}
