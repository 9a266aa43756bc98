/**
 * The cluster PUT body: the GET body with only the KMS fields changed. Every other field — including ones no SDK
 * knows — is carried over untouched (AZURE.md: a typed round-trip silently strips the platform-key field).
 */
import * as l10n from '@vscode/l10n';
import type { AzureKeyVaultKmsJson, ManagedClusterJson, SecurityProfileJson } from '../managedCluster';
import type { NetworkAccess } from './config';

export interface CmkTarget {
  /** Versionless key ID (the new KMS experience). */
  readonly keyId: string;
  readonly keyVaultResourceId: string;
  readonly networkAccess: NetworkAccess;
  readonly identityId: string;
}

/**
 * The security profile the cluster must report after the update (what `az aks show --query securityProfile` shows).
 * `pmk` says nothing about Key Vault KMS (the PMK plan never touches it); `migrateToPmk` expects it off.
 */
export function expectedKmsProfile(target: CmkTarget | 'pmk' | 'migrateToPmk'): Pick<SecurityProfileJson, 'azureKeyVaultKms' | 'kubernetesResourceObjectEncryptionProfile'> {
  const infrastructure = { infrastructureEncryption: 'Enabled' };
  if (target === 'pmk') {
    return { kubernetesResourceObjectEncryptionProfile: infrastructure };
  }
  if (target === 'migrateToPmk') {
    return { azureKeyVaultKms: { enabled: false }, kubernetesResourceObjectEncryptionProfile: infrastructure };
  }
  const kms: AzureKeyVaultKmsJson = {
    enabled: true,
    keyId: target.keyId,
    keyVaultNetworkAccess: target.networkAccess,
    // The CLI and the new-experience docs send the vault ID for Public too (AZURE.md).
    keyVaultResourceId: target.keyVaultResourceId,
  };
  return { azureKeyVaultKms: kms, kubernetesResourceObjectEncryptionProfile: infrastructure };
}

/** Fields ARM returns but refuses or ignores on PUT; dropping them keeps the request clean. */
const READ_ONLY_TOP_LEVEL = ['systemData'];

function baseBody(cluster: ManagedClusterJson): ManagedClusterJson {
  const body = structuredClone(cluster);
  for (const k of READ_ONLY_TOP_LEVEL) {
    delete body[k];
  }
  return body;
}

export function applyPmk(cluster: ManagedClusterJson): ManagedClusterJson {
  const body = baseBody(cluster);
  body.properties ??= {};
  const sp: SecurityProfileJson = { ...(body.properties.securityProfile ?? {}) };
  sp.kubernetesResourceObjectEncryptionProfile = { ...(sp.kubernetesResourceObjectEncryptionProfile ?? {}), infrastructureEncryption: 'Enabled' };
  body.properties.securityProfile = sp;
  return body;
}

export function applyCmk(cluster: ManagedClusterJson, target: CmkTarget): ManagedClusterJson {
  const body = applyPmk(cluster);
  body.properties!.securityProfile!.azureKeyVaultKms = expectedKmsProfile(target).azureKeyVaultKms;
  // KMS needs the control-plane identity to be this user-assigned identity (it holds the Key Vault roles).
  body.identity = { type: 'UserAssigned', userAssignedIdentities: { [target.identityId]: {} } };
  return body;
}

/** CMK → PMK: Key Vault KMS off, infrastructure encryption kept on (AZURE.md, "migrate CMK → PMK"). */
export function applyMigrateToPmk(cluster: ManagedClusterJson): ManagedClusterJson {
  const body = applyPmk(cluster);
  body.properties!.securityProfile!.azureKeyVaultKms = { enabled: false };
  return body;
}

/** Differences between the profile the cluster reports and the expected one; empty when it matches. */
export function profileMismatches(actual: SecurityProfileJson | undefined, expected: ReturnType<typeof expectedKmsProfile>): string[] {
  const problems: string[] = [];
  const actualInfra = actual?.kubernetesResourceObjectEncryptionProfile?.infrastructureEncryption;
  if (actualInfra !== expected.kubernetesResourceObjectEncryptionProfile?.infrastructureEncryption) {
    problems.push(l10n.t('infrastructureEncryption is {0} (the api-version may not know the field)', actualInfra ?? l10n.t('missing')));
  }
  const e = expected.azureKeyVaultKms;
  const a = actual?.azureKeyVaultKms;
  if (e?.enabled === false) {
    // KMS off: only `enabled` matters (AKS may echo the old key ID, or drop the block altogether).
    if (a?.enabled === true) {
      problems.push(l10n.t('azureKeyVaultKms.enabled is true, expected false (the cluster still uses key {0})', a.keyId ?? l10n.t('unknown')));
    }
  } else if (e) {
    for (const field of ['enabled', 'keyId', 'keyVaultNetworkAccess', 'keyVaultResourceId'] as const) {
      const same = field === 'keyVaultResourceId' || field === 'keyId'
        ? (a?.[field] ?? '').toString().toLowerCase() === (e[field] ?? '').toString().toLowerCase()
        : a?.[field] === e[field];
      if (!same) {
        problems.push(l10n.t('azureKeyVaultKms.{0} is {1}, expected {2}', field, String(JSON.stringify(a?.[field])), String(JSON.stringify(e[field]))));
      }
    }
  }
  return problems;
}
