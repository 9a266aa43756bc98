/** Shared facts for the rule tests (preflightRules, keyActions): one subscription, one vault, and a cluster's KMS states. */
import type { KmsState } from '../../src/kms/kmsState';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvexist`;
export const VAULT_URL = 'https://kvexist.vault.azure.net';
export const LEGACY_VERSION = '0123456789abcdef0123456789abcdef';
export const NOW = new Date('2026-12-01T12:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

export const KMS = {
  plain: { kind: 'notEncrypted', infrastructureEncryption: false },
  pmk: { kind: 'pmk', infrastructureEncryption: true },
  cmk: {
    kind: 'cmk', infrastructureEncryption: true, keyId: `${VAULT_URL}/keys/kms-key`, keyVaultNetworkAccess: 'Public', keyVaultResourceId: VAULT_ID,
    key: { vaultUrl: VAULT_URL, vaultHost: 'kvexist.vault.azure.net', name: 'kms-key' },
  },
  legacy: {
    kind: 'legacy', infrastructureEncryption: false, keyId: `${VAULT_URL}/keys/kms-key/${LEGACY_VERSION}`, keyVaultNetworkAccess: 'Public',
    key: { vaultUrl: VAULT_URL, vaultHost: 'kvexist.vault.azure.net', name: 'kms-key', version: LEGACY_VERSION },
  },
} satisfies Record<string, KmsState>;
