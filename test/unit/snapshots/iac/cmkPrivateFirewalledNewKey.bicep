// Customer-managed key for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
// Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
// Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.
// Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").
// Deploy: az deployment group create --resource-group rg --template-file <this file>
// Already done (left out):
//   registerFeature: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
//   registerProvider: Then refresh the Microsoft.ContainerService provider registration.
//   createVault: A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).
//   lockFirewall: Private access: after the key exists, deny public networks; AKS reaches the vault as a trusted Azure service.
//   createIdentity: The user-assigned identity the cluster uses to reach the key.

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
          scope: 'Microsoft.KeyVault/vaults/kvprod'
          name: '7b14da33-9eb8-502f-98e4-21ccaaeb17b6'
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '14b46e9e-c2b7-41b4-b07b-48a6ebf60603')
            principalId: 'aaaaaaaa-0000-4000-8000-000000000001'
            principalType: 'User'
          }
        }
      ]
    }
  }
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
          name: 'kvprod/aks-kms'
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
          scope: 'Microsoft.KeyVault/vaults/kvprod'
          name: '4ebea172-3b13-5ac9-970b-a5287e199266'
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
            principalId: 'p-id-aks1'
            principalType: 'ServicePrincipal'
          }
        }
      ]
    }
  }
  dependsOn: [
    createKeyDeployment
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
          scope: 'Microsoft.KeyVault/vaults/kvprod'
          name: '9e418c71-8093-58cf-8810-dd2c0acfc317'
          properties: {
            roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'f25e0fa2-a7c8-4377-a976-54943a77a395')
            principalId: 'p-id-aks1'
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
        keyId: 'https://kvprod.vault.azure.net/keys/aks-kms'
        keyVaultNetworkAccess: 'Private'
        keyVaultResourceId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod'
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
