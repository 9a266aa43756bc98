// Customer-managed key for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
// Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
// Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.
// Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").
// Deploy: az deployment group create --resource-group rg --template-file <this file>
// Already done (left out):
//   registerFeature: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
//   registerProvider: Then refresh the Microsoft.ContainerService provider registration.
//   createVault: A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).
//   createIdentity: The user-assigned identity the cluster uses to reach the key.

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
}

// grantAccessPolicyToIdentity: The vault uses access policies: encrypt and decrypt for the identity through one.
resource grantAccessPolicyToIdentityDeployment 'Microsoft.Resources/deployments@2024-03-01' = {
  name: 'aks-kms-grantAccessPolicyToIdentity'
  resourceGroup: 'rg-kv'
  properties: {
    mode: 'Incremental'
    template: {
      '$schema': 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
      contentVersion: '1.0.0.0'
      resources: [
        {
          type: 'Microsoft.KeyVault/vaults/accessPolicies'
          apiVersion: '2025-05-01'
          name: 'kvprod/add'
          properties: {
            accessPolicies: [
              {
                tenantId: subscription().tenantId
                objectId: 'p-id-aks1'
                permissions: {
                  keys: [
                    'encrypt'
                    'decrypt'
                  ]
                }
              }
            ]
          }
        }
      ]
    }
  }
  dependsOn: [
    createKeyDeployment
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
        keyVaultNetworkAccess: 'Public'
        keyVaultResourceId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod'
      }
      kubernetesResourceObjectEncryptionProfile: {
        infrastructureEncryption: 'Enabled'
      }
    }
  }
  dependsOn: [
    grantAccessPolicyToIdentityDeployment
  ]
}
