/**
 * The one table of cloud endpoints. Nothing else in the extension hard-codes a host. A "Custom" cloud comes from
 * settings — that is how the local emulator is selected, exactly like any other cloud.
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
  /** For `microsoft-sovereign-cloud`: the value its `microsoft-sovereign-cloud.environment` setting must have. */
  readonly sovereignEnvironment?: 'ChinaCloud' | 'USGovernment';
  /**
   * The Key Vault client checks that the challenge's resource matches the vault host's domain. Only a local
   * emulator on 127.0.0.1 cannot satisfy that; every real cloud keeps the check on.
   */
  readonly verifyKeyVaultChallengeResource: boolean;
  readonly tenantId?: string;
}

export const BUILTIN_CLOUDS: Readonly<Record<Exclude<CloudName, 'Custom'>, CloudDefinition>> = {
  AzureCloud: {
    name: 'AzureCloud',
    displayName: 'Azure',
    resourceManagerEndpoint: 'https://management.azure.com',
    activeDirectoryEndpoint: 'https://login.microsoftonline.com',
    keyVaultDnsSuffix: 'vault.azure.net',
    keyVaultResource: 'https://vault.azure.net',
    portalUrl: 'https://portal.azure.com',
    authProviderId: 'microsoft',
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
    authProviderId: 'microsoft-sovereign-cloud',
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
    authProviderId: 'microsoft-sovereign-cloud',
    sovereignEnvironment: 'USGovernment',
    verifyKeyVaultChallengeResource: true,
  },
};

/** The `aksKms.customCloud` setting. */
export interface CustomCloudSetting {
  name?: unknown;
  resourceManagerEndpointUrl?: unknown;
  activeDirectoryEndpointUrl?: unknown;
  keyVaultDnsSuffix?: unknown;
  keyVaultResource?: unknown;
  authenticationProviderId?: unknown;
  portalUrl?: unknown;
  tenantId?: unknown;
}

export type CloudResolution = { ok: true; cloud: CloudDefinition } | { ok: false; problems: string[] };

function httpsUrl(value: unknown, field: string, problems: string[]): string {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(l10n.t('aksKms.customCloud.{0} is required (an https:// URL).', field));
    return '';
  }
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'https:') {
      problems.push(l10n.t('aksKms.customCloud.{0} must use https:// (Azure clients refuse to send tokens over http).', field));
    }
    return url.toString().replace(/\/+$/, '');
  } catch {
    problems.push(l10n.t('aksKms.customCloud.{0} is not a valid URL: "{1}".', field, value));
    return '';
  }
}

function nonEmpty(value: unknown, field: string, problems: string[], fallback?: string): string {
  if (typeof value === 'string' && value.trim() !== '') {
    return value.trim();
  }
  if (fallback !== undefined) {
    return fallback;
  }
  problems.push(l10n.t('aksKms.customCloud.{0} is required.', field));
  return '';
}

/** Resolves the `aksKms.cloud` setting (and `aksKms.customCloud` for Custom); problems say how to fix the settings. */
export function resolveCloud(cloudSetting: unknown, custom: CustomCloudSetting | undefined): CloudResolution {
  const name = typeof cloudSetting === 'string' && cloudSetting !== '' ? cloudSetting : 'AzureCloud';
  if (name !== 'Custom') {
    const builtin = BUILTIN_CLOUDS[name as keyof typeof BUILTIN_CLOUDS];
    return builtin
      ? { ok: true, cloud: builtin }
      : { ok: false, problems: [l10n.t('aksKms.cloud "{0}" is not one of AzureCloud, AzureChinaCloud, AzureUSGovernment, Custom.', name)] };
  }
  if (!custom || typeof custom !== 'object') {
    return { ok: false, problems: [l10n.t('aksKms.cloud is "Custom" but aksKms.customCloud is not set.')] };
  }
  const problems: string[] = [];
  const resourceManagerEndpoint = httpsUrl(custom.resourceManagerEndpointUrl, 'resourceManagerEndpointUrl', problems);
  const activeDirectoryEndpoint = custom.activeDirectoryEndpointUrl === undefined
    ? BUILTIN_CLOUDS.AzureCloud.activeDirectoryEndpoint
    : httpsUrl(custom.activeDirectoryEndpointUrl, 'activeDirectoryEndpointUrl', problems);
  const keyVaultDnsSuffix = nonEmpty(custom.keyVaultDnsSuffix, 'keyVaultDnsSuffix', problems);
  const keyVaultResource = custom.keyVaultResource === undefined ? `https://${keyVaultDnsSuffix}` : httpsUrl(custom.keyVaultResource, 'keyVaultResource', problems);
  const authProviderId = nonEmpty(custom.authenticationProviderId, 'authenticationProviderId', problems, 'microsoft');
  const portalUrl = custom.portalUrl === undefined ? BUILTIN_CLOUDS.AzureCloud.portalUrl : httpsUrl(custom.portalUrl, 'portalUrl', problems);
  const tenantId = typeof custom.tenantId === 'string' && custom.tenantId !== '' ? custom.tenantId : undefined;
  if (problems.length) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    cloud: {
      name: 'Custom',
      displayName: nonEmpty(custom.name, 'name', problems, l10n.t('Custom cloud')),
      resourceManagerEndpoint,
      activeDirectoryEndpoint,
      keyVaultDnsSuffix,
      keyVaultResource,
      portalUrl,
      authProviderId,
      // A custom cloud served from an IP address (the local emulator) cannot pass the challenge-resource check.
      verifyKeyVaultChallengeResource: !/^\d+\.\d+\.\d+\.\d+$/.test(keyVaultDnsSuffix) && keyVaultDnsSuffix !== 'localhost',
      tenantId,
    },
  };
}

/** ARM token scope: `<ARM endpoint>/.default`. */
export function armScope(cloud: CloudDefinition): string {
  return `${cloud.resourceManagerEndpoint}/.default`;
}

/** Portal deep link to a resource in the cloud's own portal. */
export function portalResourceUrl(cloud: CloudDefinition, resourceId: string, tenantId?: string): string {
  const tenant = tenantId ?? cloud.tenantId;
  return `${cloud.portalUrl}/${tenant ? `#@${tenant}` : '#'}/resource${resourceId}`;
}
