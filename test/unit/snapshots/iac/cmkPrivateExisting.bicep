// Customer-managed key for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
// Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
// Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.
// Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").
// Deploy: az deployment group create --resource-group rg --template-file <this file>
// Run separately (a template cannot express these without restating a resource it does not own):
//   lockFirewall (after the key exists): az keyvault update --name kvprod --resource-group rg-kv --default-action Deny --bypass AzureServices (a template would restate the whole vault)
// Already done (left out):
//   registerFeature: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
//   registerProvider: Then refresh the Microsoft.ContainerService provider registration.
//   createVault: A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).
//   assignCryptoOfficerToUser: you hold Key Vault Crypto Officer on /subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod
//   createKey: The key: RSA 2048. AKS follows its versionless ID, so rotation needs no change here.
//   createIdentity: The user-assigned identity the cluster uses to reach the key.
//   assignCryptoUserToIdentity: the identity holds Key Vault Crypto User on /subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod

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
