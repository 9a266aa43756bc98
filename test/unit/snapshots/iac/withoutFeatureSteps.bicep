// Platform-managed keys for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
// Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
// Steps the plan found already done are left out (listed as already done); steps a template cannot express are listed with the command to run.
// Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").
// Deploy: az deployment group create --resource-group rg --template-file <this file>

// updateCluster: The cluster update: KMS settings in securityProfile (and the identity for a customer-managed key). The cluster as it is now with the KMS settings: deploy it where your templates declare the cluster, or merge these settings there.
resource cluster 'Microsoft.ContainerService/managedClusters@2026-10-01' = {
  name: 'aks1'
  location: 'eastus'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1': {}
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
      kubernetesResourceObjectEncryptionProfile: {
        infrastructureEncryption: 'Enabled'
      }
    }
  }
}
