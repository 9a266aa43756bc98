/**
 * The one table of cloud endpoints. Nothing else in the extension hard-codes a host. The cloud is chosen by VS Code's
 * own `microsoft-sovereign-cloud.*` settings; a custom cloud's endpoints come from them too — that is how the local
 * emulator is selected, exactly like Azure Stack Hub.
 */
import * as l10n from '@vscode/l10n';

export type CloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'Custom';

export interface CloudDefinition {
  readonly name: CloudName;
  readonly displayName: string;
  /** Azure Resource Manager endpoint, no trailing slash. Also the Resource Graph endpoint. */
  readonly resourceManagerEndpoint: string;
  /** Entra ID authority host. */
  readonly activeDirectoryEndpoint: string;
  /** Key Vault DNS suffix, e.g. `vault.azure.net`; key IDs must live under it. */
  readonly keyVaultDnsSuffix: string;
  /** Key Vault token audience (the data plane's 401 challenge names it too). */
  readonly keyVaultResource: string;
  readonly portalUrl: string;
  /** VS Code authentication provider id that issues tokens for this cloud. */
  readonly authProviderId: string;
  /** The `microsoft-sovereign-cloud.environment` value that selects this built-in cloud (unset: public Azure). */
  readonly sovereignEnvironment?: 'ChinaCloud' | 'USGovernment';
  /**
   * The Key Vault client checks that the challenge's resource matches the vault host's domain. Only a local
   * emulator on 127.0.0.1 cannot satisfy that; every real cloud keeps the check on.
   */
  readonly verifyKeyVaultChallengeResource: boolean;
}

/**
 * The provider ids VS Code's Microsoft authentication registers, chosen as the Azure extensions' sign-in library
 * chooses them (`getConfiguredAuthProviderId`): `microsoft` for public Azure, `microsoft-sovereign-cloud` otherwise.
 */
const MICROSOFT_PROVIDER = 'microsoft';
const SOVEREIGN_PROVIDER = 'microsoft-sovereign-cloud';

export const BUILTIN_CLOUDS: Readonly<Record<Exclude<CloudName, 'Custom'>, CloudDefinition>> = {
  AzureCloud: {
    name: 'AzureCloud',
    displayName: 'Azure',
    resourceManagerEndpoint: 'https://management.azure.com',
    activeDirectoryEndpoint: 'https://login.microsoftonline.com',
    keyVaultDnsSuffix: 'vault.azure.net',
    keyVaultResource: 'https://vault.azure.net',
    portalUrl: 'https://portal.azure.com',
    authProviderId: MICROSOFT_PROVIDER,
    verifyKeyVaultChallengeResource: true,
  },
  AzureChinaCloud: {
    name: 'AzureChinaCloud',
    displayName: 'Azure China',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn',
    activeDirectoryEndpoint: 'https://login.chinacloudapi.cn',
    keyVaultDnsSuffix: 'vault.azure.cn',
    keyVaultResource: 'https://vault.azure.cn',
    portalUrl: 'https://portal.azure.cn',
    authProviderId: SOVEREIGN_PROVIDER,
    sovereignEnvironment: 'ChinaCloud',
    verifyKeyVaultChallengeResource: true,
  },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    displayName: 'Azure US Government',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
    activeDirectoryEndpoint: 'https://login.microsoftonline.us',
    keyVaultDnsSuffix: 'vault.usgovcloudapi.net',
    keyVaultResource: 'https://vault.usgovcloudapi.net',
    portalUrl: 'https://portal.azure.us',
    authProviderId: SOVEREIGN_PROVIDER,
    sovereignEnvironment: 'USGovernment',
    verifyKeyVaultChallengeResource: true,
  },
};

/**
 * `microsoft-sovereign-cloud.customEnvironment`: VS Code's own description of a custom cloud (Azure Stack Hub), read
 * by its Microsoft authentication and by the Azure extensions' sign-in library (`@azure/ms-rest-azure-env`
 * `EnvironmentParameters`). AKS KMS also needs `keyVaultDnsSuffix`, which that type defines as optional.
 */
export interface CustomEnvironmentSetting {
  name?: unknown;
  portalUrl?: unknown;
  managementEndpointUrl?: unknown;
  resourceManagerEndpointUrl?: unknown;
  activeDirectoryEndpointUrl?: unknown;
  activeDirectoryResourceId?: unknown;
  keyVaultDnsSuffix?: unknown;
}

export type CloudResolution = { ok: true; cloud: CloudDefinition } | { ok: false; problems: string[] };

const CUSTOM_SETTING = 'microsoft-sovereign-cloud.customEnvironment';

function httpsUrl(value: unknown, field: string, problems: string[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(l10n.t('{0}.{1} is required (an https:// URL).', CUSTOM_SETTING, field));
    return '';
  }
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:') {
      problems.push(l10n.t('{0}.{1} must use https:// (Azure clients refuse to send tokens over http).', CUSTOM_SETTING, field));
    }
    return url.toString().replace(/\/+$/, '');
  } catch {
    problems.push(l10n.t('{0}.{1} is not a valid URL: "{2}".', CUSTOM_SETTING, field, String(value)));
    return '';
  }
}

function required(value: unknown, field: string, problems: string[]): string {
  if (typeof value === 'string' && value.trim() !== '') {
    return value.trim();
  }
  problems.push(l10n.t('{0}.{1} is required.', CUSTOM_SETTING, field));
  return '';
}

/**
 * The cloud VS Code's settings select, as the Azure extensions read them: `microsoft-sovereign-cloud.environment`
 * unset for Azure, `ChinaCloud`, `USGovernment`, or `custom` with the endpoints in
 * `microsoft-sovereign-cloud.customEnvironment` (how the local emulator is selected too). Problems say how to fix
 * the settings.
 */
export function resolveCloud(environmentSetting: unknown, customEnvironment: CustomEnvironmentSetting | undefined): CloudResolution {
  if (environmentSetting === undefined || environmentSetting === null || environmentSetting === '') {
    return { ok: true, cloud: BUILTIN_CLOUDS.AzureCloud };
  }
  if (environmentSetting === 'ChinaCloud') {
    return { ok: true, cloud: BUILTIN_CLOUDS.AzureChinaCloud };
  }
  if (environmentSetting === 'USGovernment') {
    return { ok: true, cloud: BUILTIN_CLOUDS.AzureUSGovernment };
  }
  if (environmentSetting !== 'custom') {
    return { ok: false, problems: [l10n.t('microsoft-sovereign-cloud.environment "{0}" is not one of ChinaCloud, USGovernment, custom (leave it unset for Azure).', String(environmentSetting))] };
  }
  if (!customEnvironment || typeof customEnvironment !== 'object') {
    return { ok: false, problems: [l10n.t('microsoft-sovereign-cloud.environment is "custom" but {0} is not set.', CUSTOM_SETTING)] };
  }
  const problems: string[] = [];
  const displayName = required(customEnvironment.name, 'name', problems);
  const resourceManagerEndpoint = httpsUrl(customEnvironment.resourceManagerEndpointUrl, 'resourceManagerEndpointUrl', problems);
  const activeDirectoryEndpoint = httpsUrl(customEnvironment.activeDirectoryEndpointUrl, 'activeDirectoryEndpointUrl', problems);
  const portalUrl = httpsUrl(customEnvironment.portalUrl, 'portalUrl', problems);
  // Key Vault's suffix, written by Azure Stack Hub and @azure/ms-rest-azure-env with a leading dot.
  const keyVaultDnsSuffix = required(customEnvironment.keyVaultDnsSuffix, 'keyVaultDnsSuffix', problems).replace(/^\./, '');
  // VS Code's Microsoft authentication needs these two as well; say so here rather than fail at sign-in.
  required(customEnvironment.managementEndpointUrl, 'managementEndpointUrl', problems);
  required(customEnvironment.activeDirectoryResourceId, 'activeDirectoryResourceId', problems);
  if (problems.length) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    cloud: {
      name: 'Custom',
      displayName,
      resourceManagerEndpoint,
      activeDirectoryEndpoint,
      keyVaultDnsSuffix,
      keyVaultResource: `https://${keyVaultDnsSuffix}`,
      portalUrl,
      authProviderId: SOVEREIGN_PROVIDER,
      // A custom cloud served from an IP address (the local emulator) cannot pass the challenge-resource check.
      verifyKeyVaultChallengeResource: !/^\d+\.\d+\.\d+\.\d+$/.test(keyVaultDnsSuffix) && keyVaultDnsSuffix !== 'localhost',
    },
  };
}

/** The `microsoft-sovereign-cloud.environment` value that selects a built-in cloud (undefined: public Azure). */
export function environmentSettingOf(cloud: Exclude<CloudName, 'Custom'>): 'ChinaCloud' | 'USGovernment' | undefined {
  return BUILTIN_CLOUDS[cloud].sovereignEnvironment;
}

/** ARM token scope: `<ARM endpoint>/.default`. */
export function armScope(cloud: CloudDefinition): string {
  return `${cloud.resourceManagerEndpoint}/.default`;
}

/** Portal deep link to a resource in the cloud's own portal, in the resource's directory when known. */
export function portalResourceUrl(cloud: CloudDefinition, resourceId: string, tenantId?: string): string {
  return `${cloud.portalUrl}/${tenantId ? `#@${tenantId}` : '#'}/resource${resourceId}`;
}
