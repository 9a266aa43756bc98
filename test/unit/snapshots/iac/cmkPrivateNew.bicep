// Customer-managed key for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
// Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
// Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.
// Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").
// Deploy: az deployment group create --resource-group rg --template-file <this file>
// Already done (left out):
//   registerFeature: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
//   registerProvider: Then refresh the Microsoft.ContainerService provider registration.

// createVault: A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).
resource createVaultDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-createVault'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults'
          apiVersion: '2025-05-01'
          name: 'kvnew01'
          location: 'eastus'
          properties: {
            tenantId: subscription().tenantId
            sku: {
              family: 'A'
              name: 'standard'
            }
            enableRbacAuthorization: true
            enableSoftDelete: true
            enablePurgeProtection: true
            publicNetworkAccess: 'Enabled'
            networkAcls: {
              defaultAction: 'Allow'
              bypass: 'AzureServices'
            }
          }
        }
      ]
    }
  }
}

// assignCryptoOfficerToUser: Key Vault Crypto Officer for whoever applies this, to create the key.
resource assignCryptoOfficerToUserDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-assignCryptoOfficerToUser'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.Authorization/roleAssignments'
          apiVersion: '2022-04-01'
          scope: 'Microsoft.KeyVault/vaults/kvnew01'
          name: '5bf2b0ed-7981-5f51-881c-1d4c9a1fbd10'
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '14b46e9e-c2b7-41b4-b07b-48a6ebf60603')
            principalId: 'aaaaaaaa-0000-4000-8000-000000000001'
            principalType: 'User'
          }
        }
      ]
    }
  }
  dependsOn: [
    createVaultDeployment
  ]
}

// createKey: The key: RSA 2048. AKS follows its versionless ID, so rotation needs no change here. Created through ARM: no data-plane role needed, and not filtered by the firewall.
resource createKeyDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-createKey'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults/keys'
          apiVersion: '2025-05-01'
          name: 'kvnew01/aks-kms'
          properties: {
            kty: 'RSA'
            keySize: 2048
            keyOps: [
              'encrypt'
              'decrypt'
              'wrapKey'
              'unwrapKey'
            ]
          }
        }
      ]
    }
  }
  dependsOn: [
    assignCryptoOfficerToUserDeployment
  ]
}

// lockFirewall: Private access: after the key exists, deny public networks; AKS reaches the vault as a trusted Azure service.
resource lockFirewallDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-lockFirewall'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults'
          apiVersion: '2025-05-01'
          name: 'kvnew01'
          location: 'eastus'
          properties: {
            tenantId: subscription().tenantId
            sku: {
              family: 'A'
              name: 'standard'
            }
            enableRbacAuthorization: true
            enableSoftDelete: true
            enablePurgeProtection: true
            publicNetworkAccess: 'Enabled'
            networkAcls: {
              defaultAction: 'Deny'
              bypass: 'AzureServices'
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    createKeyDeployment
  ]
}

// createIdentity: The user-assigned identity the cluster uses to reach the key.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-aks1'
  location: 'eastus'
  dependsOn: [
    lockFirewallDeployment
  ]
}

// assignCryptoUserToIdentity: Key Vault Crypto User for the identity: encrypt and decrypt.
resource assignCryptoUserToIdentityDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-assignCryptoUserToIdentity'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.Authorization/roleAssignments'
          apiVersion: '2022-04-01'
          scope: 'Microsoft.KeyVault/vaults/kvnew01'
          name: guid('/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01', resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1'), '12338af0-0e69-4776-bea7-57ae8d297424')
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
            principalId: reference(resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1'), '2024-11-30').principalId
            principalType: 'ServicePrincipal'
          }
        }
      ]
    }
  }
  dependsOn: [
    identity
  ]
}

// assignContributorToIdentity: Key Vault Contributor for the identity: key management.
resource assignContributorToIdentityDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-assignContributorToIdentity'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.Authorization/roleAssignments'
          apiVersion: '2022-04-01'
          scope: 'Microsoft.KeyVault/vaults/kvnew01'
          name: guid('/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01', resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1'), 'f25e0fa2-a7c8-4377-a976-54943a77a395')
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'f25e0fa2-a7c8-4377-a976-54943a77a395')
            principalId: reference(resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1'), '2024-11-30').principalId
            principalType: 'ServicePrincipal'
          }
        }
      ]
    }
  }
  dependsOn: [
    assignCryptoUserToIdentityDeployment
  ]
}

// updateCluster: The cluster update: KMS settings in securityProfile (and the identity for a customer-managed key). The cluster as it is now with the KMS settings: deploy it where your templates declare the cluster, or merge these settings there.
resource cluster 'Microsoft.ContainerService/managedClusters@2026-10-01' = {
  name: 'aks1'
  location: 'eastus'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${resourceId('00000000-0000-4000-8000-000000000001', 'rg', 'Microsoft.ManagedIdentity/userAssignedIdentities', 'id-aks1')}': {}
    }
  }
  properties: {
    kubernetesVersion: '1.33.2'
    apiServerAccessProfile: {
      enableVnetIntegration: true
    }
    agentPoolProfiles: [
      {
        name: 'nodepool1'
        count: 3
      }
    ]
    futureField: {
      keep: 'me'
    }
    securityProfile: {
      azureKeyVaultKms: {
        enabled: true
        keyId: reference(resourceId('00000000-0000-4000-8000-000000000001', 'rg-kv', 'Microsoft.KeyVault/vaults/keys', 'kvnew01', 'aks-kms'), '2025-05-01').keyUri
        keyVaultNetworkAccess: 'Private'
        keyVaultResourceId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvnew01'
      }
      kubernetesResourceObjectEncryptionProfile: {
        infrastructureEncryption: 'Enabled'
      }
    }
  }
  dependsOn: [
    assignContributorToIdentityDeployment
  ]
}
