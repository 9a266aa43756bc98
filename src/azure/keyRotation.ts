/**
 * "Rotate key now" and the key's rotation policy through the Key Vault data plane (`@azure/keyvault-keys`; needs Key
 * Vault Crypto Officer and network reach), with the policy also readable through ARM where the data plane is out of
 * reach (a firewalled vault, no data-plane role). Decisions — what a valid policy is — live in src/kms/rotationPolicy.
 */
import type { KeyRotationPolicyProperties } from '@azure/keyvault-keys';
import type { KeyVersionInfo } from '../kms/rotation';
import { fromSdkPolicy, PolicyProblem, RotationPolicy, RotationPolicyInput, toSdkPolicy, validateRotationPolicyInput } from '../kms/rotationPolicy';
import type { AzureContext } from './azureContext';
import { azureErrorCode } from './errors';
import { getRotationPolicyFromArm } from './keyVault';
import { keyClient } from './keyVaultData';

/** Creates a new version of the key (`POST {vault}/keys/{name}/rotate`) and returns it. */
export async function rotateKey(ctx: AzureContext, vaultUrl: string, keyName: string, signal?: AbortSignal): Promise<KeyVersionInfo> {
  const key = await keyClient(ctx, vaultUrl).rotateKey(keyName, { abortSignal: signal });
  const p = key.properties;
  if (!p.version || !p.createdOn) {
    throw new Error(`Key Vault rotated ${keyName} but did not return the new version; refresh to see it.`);
  }
  return { version: p.version, createdOn: p.createdOn, enabled: p.enabled, expiresOn: p.expiresOn };
}

/**
 * The key's rotation policy from the data plane; undefined when none was ever set (Key Vault then answers its
 * default — notify 30 days before expiry — without creation time, which ARM does not show either).
 */
export async function getRotationPolicy(ctx: AzureContext, vaultUrl: string, keyName: string, signal?: AbortSignal): Promise<RotationPolicy | undefined> {
  const policy = await keyClient(ctx, vaultUrl).getKeyRotationPolicy(keyName, { abortSignal: signal });
  return policy.createdOn || policy.updatedOn ? fromSdkPolicy(policy) : undefined;
}

/** Replaces the key's rotation policy and returns it as Key Vault stored it. Validate the input first (applyRotationPolicyInput does). */
export async function setRotationPolicy(ctx: AzureContext, vaultUrl: string, keyName: string, policy: RotationPolicy, signal?: AbortSignal): Promise<RotationPolicy> {
  const body: KeyRotationPolicyProperties = toSdkPolicy(policy);
  return fromSdkPolicy(await keyClient(ctx, vaultUrl).updateKeyRotationPolicy(keyName, body, { abortSignal: signal }));
}

export type PolicyUpdate = { readonly ok: true; readonly policy: RotationPolicy } | { readonly ok: false; readonly problems: readonly PolicyProblem[] };

/** "Set rotation policy…": checks the form against Key Vault's limits and writes only when it passes. */
export async function applyRotationPolicyInput(ctx: AzureContext, vaultUrl: string, keyName: string, input: RotationPolicyInput, signal?: AbortSignal): Promise<PolicyUpdate> {
  const checked = validateRotationPolicyInput(input);
  if (!checked.ok) {
    return checked;
  }
  return { ok: true, policy: await setRotationPolicy(ctx, vaultUrl, keyName, checked.policy, signal) };
}

/**
 * Where the data plane cannot be reached or refuses the caller (firewall, private endpoint, no data-plane role):
 * a 401/403, or no HTTP answer at all. A 404 (no such key) is a real answer and is not retried elsewhere.
 */
export function isDataPlaneUnreachable(err: unknown): boolean {
  if ((err as { name?: string } | undefined)?.name === 'AbortError') {
    return false;
  }
  const { statusCode } = azureErrorCode(err);
  return statusCode === undefined || statusCode === 401 || statusCode === 403;
}

export interface PolicyRead {
  readonly policy?: RotationPolicy;
  /** `dataPlane`, `arm` (the data plane was unreachable), or `unavailable` (neither answered). */
  readonly source: 'dataPlane' | 'arm' | 'unavailable';
  /** Why the data plane was not used, for the log. */
  readonly dataPlaneError?: unknown;
}

/** The policy from the data plane, else through ARM when the vault's resource ID is known. Never throws for reach. */
export async function readRotationPolicy(ctx: AzureContext, ref: { vaultUrl: string; keyName: string; vaultId?: string }, signal?: AbortSignal): Promise<PolicyRead> {
  try {
    return { policy: await getRotationPolicy(ctx, ref.vaultUrl, ref.keyName, signal), source: 'dataPlane' };
  } catch (err) {
    if (!isDataPlaneUnreachable(err)) {
      throw err;
    }
    if (!ref.vaultId) {
      return { source: 'unavailable', dataPlaneError: err };
    }
    try {
      return { policy: await getRotationPolicyFromArm(ctx, ref.vaultId, ref.keyName, signal), source: 'arm', dataPlaneError: err };
    } catch {
      return { source: 'unavailable', dataPlaneError: err };
    }
  }
}
