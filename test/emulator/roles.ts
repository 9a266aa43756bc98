// The built-in Azure roles the emulator knows (AZURE.md: same GUID in every scope and cloud), with the
// permissions Azure publishes for them, and the wildcard matching Azure RBAC applies to actions.
// Why only these: the three Key Vault roles are the ones the product assigns (and Network Contributor, which
// it gives a new control-plane identity on the agent pools' custom subnets); Owner, Contributor and
// User Access Administrator are what a signed-in user typically holds on a subscription (the product
// reads them through the `permissions` API). Anything else "does not exist".

export interface RolePermission {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly dataActions: readonly string[];
  readonly notDataActions: readonly string[];
}

export interface BuiltInRole {
  readonly guid: string;
  readonly roleName: string;
  readonly description: string;
  readonly permissions: readonly RolePermission[];
}

export const KEY_VAULT_CRYPTO_OFFICER = '14b46e9e-c2b7-41b4-b07b-48a6ebf60603';
export const KEY_VAULT_CRYPTO_USER = '12338af0-0e69-4776-bea7-57ae8d297424';
export const KEY_VAULT_CONTRIBUTOR = 'f25e0fa2-a7c8-4377-a976-54943a77a395';
export const OWNER = '8e3af657-a8ff-443f-a75c-2fe8c4bcb635';
export const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
export const USER_ACCESS_ADMINISTRATOR = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
export const NETWORK_CONTRIBUTOR = '4d97b98b-1d4f-4787-a291-c67834d212e7';

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    guid: KEY_VAULT_CRYPTO_OFFICER,
    roleName: 'Key Vault Crypto Officer',
    description: "Perform any action on the keys of a key vault, except manage permissions. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    permissions: [
      {
        actions: [
          'Microsoft.Authorization/*/read',
          'Microsoft.Insights/alertRules/*',
          'Microsoft.Resources/deployments/*',
          'Microsoft.Resources/subscriptions/resourceGroups/read',
          'Microsoft.Support/*',
          'Microsoft.KeyVault/checkNameAvailability/read',
          'Microsoft.KeyVault/deletedVaults/read',
          'Microsoft.KeyVault/locations/*/read',
          'Microsoft.KeyVault/vaults/*/read',
          'Microsoft.KeyVault/operations/read',
        ],
        notActions: [],
        dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
        notDataActions: [],
      },
    ],
  },
  {
    guid: KEY_VAULT_CRYPTO_USER,
    roleName: 'Key Vault Crypto User',
    description: "Perform cryptographic operations using keys. Only works for key vaults that use the 'Azure role-based access control' permission model.",
    permissions: [
      {
        actions: [],
        notActions: [],
        dataActions: [
          'Microsoft.KeyVault/vaults/keys/read',
          'Microsoft.KeyVault/vaults/keys/update/action',
          'Microsoft.KeyVault/vaults/keys/backup/action',
          'Microsoft.KeyVault/vaults/keys/encrypt/action',
          'Microsoft.KeyVault/vaults/keys/decrypt/action',
          'Microsoft.KeyVault/vaults/keys/wrap/action',
          'Microsoft.KeyVault/vaults/keys/unwrap/action',
          'Microsoft.KeyVault/vaults/keys/sign/action',
          'Microsoft.KeyVault/vaults/keys/verify/action',
        ],
        notDataActions: [],
      },
    ],
  },
  {
    guid: KEY_VAULT_CONTRIBUTOR,
    roleName: 'Key Vault Contributor',
    description: 'Manage key vaults, but does not allow you to assign roles in Azure RBAC, and does not allow you to access secrets, keys, or certificates.',
    permissions: [
      {
        actions: [
          'Microsoft.Authorization/*/read',
          'Microsoft.Insights/alertRules/*',
          'Microsoft.KeyVault/*',
          'Microsoft.Resources/deployments/*',
          'Microsoft.Resources/subscriptions/resourceGroups/read',
          'Microsoft.Support/*',
        ],
        notActions: ['Microsoft.KeyVault/locations/deletedVaults/purge/action', 'Microsoft.KeyVault/hsmPools/*', 'Microsoft.KeyVault/managedHsms/*'],
        dataActions: [],
        notDataActions: [],
      },
    ],
  },
  {
    guid: OWNER,
    roleName: 'Owner',
    description: 'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
    permissions: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
  },
  {
    guid: CONTRIBUTOR,
    roleName: 'Contributor',
    description:
      'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    permissions: [
      {
        actions: ['*'],
        notActions: [
          'Microsoft.Authorization/*/Delete',
          'Microsoft.Authorization/*/Write',
          'Microsoft.Authorization/elevateAccess/Action',
          'Microsoft.Blueprint/blueprintAssignments/write',
          'Microsoft.Blueprint/blueprintAssignments/delete',
          'Microsoft.Compute/galleries/share/action',
          'Microsoft.Purview/consents/write',
          'Microsoft.Purview/consents/delete',
          'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
          'Microsoft.Subscription/cancel/action',
          'Microsoft.Subscription/enable/action',
        ],
        dataActions: [],
        notDataActions: [],
      },
    ],
  },
  {
    guid: NETWORK_CONTRIBUTOR,
    roleName: 'Network Contributor',
    description: 'Lets you manage networks, but not access to them.',
    permissions: [
      {
        actions: [
          'Microsoft.Authorization/*/read',
          'Microsoft.Insights/alertRules/*',
          'Microsoft.Network/*',
          'Microsoft.ResourceHealth/availabilityStatuses/read',
          'Microsoft.Resources/deployments/*',
          'Microsoft.Resources/subscriptions/resourceGroups/read',
          'Microsoft.Support/*',
        ],
        notActions: [],
        dataActions: [],
        notDataActions: [],
      },
    ],
  },
  {
    guid: USER_ACCESS_ADMINISTRATOR,
    roleName: 'User Access Administrator',
    description: 'Lets you manage user access to Azure resources.',
    permissions: [{ actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'], notActions: [], dataActions: [], notDataActions: [] }],
  },
];

export function builtInRole(guid: string): BuiltInRole | undefined {
  return BUILT_IN_ROLES.find((r) => r.guid.toLowerCase() === guid.toLowerCase());
}

/** Azure's action patterns: case-insensitive, `*` matches any run of characters (including `/`). */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return re.test(action);
}

/** Whether the role grants `dataAction` (granted by some dataActions pattern, removed by no notDataActions one). */
export function roleGrantsDataAction(role: BuiltInRole, dataAction: string): boolean {
  return role.permissions.some(
    (p) => p.dataActions.some((a) => actionMatches(a, dataAction)) && !p.notDataActions.some((a) => actionMatches(a, dataAction)),
  );
}
