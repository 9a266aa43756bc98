# Platform-managed keys for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
# Exported by AKS KMS from the plan the wizard runs: the same steps in the same order, with the same role assignment names.
# Steps the plan found already done are commented out, so the code stays complete without conflicting with what exists.
# Documentation: learn.microsoft.com/azure/aks/kms-data-encryption ("Enable KMS data encryption in Azure Kubernetes Service").

terraform {
  required_providers {
    azurerm = {
      source = "hashicorp/azurerm"
      version = "~> 4.0"
    }
    azapi   = {
      source = "Azure/azapi"
      version = "~> 2.0"
    }
  }
}

# registerFeature: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
# Once per subscription, outside Terraform (a subscription-wide preview feature):
#   az feature register --namespace Microsoft.ContainerService --name KMSPMKPreview
#   az feature show --namespace Microsoft.ContainerService --name KMSPMKPreview --query properties.state   # until Registered

# registerProvider: Then refresh the Microsoft.ContainerService provider registration.
#   az provider register --namespace Microsoft.ContainerService --wait

# updateCluster: The cluster update: KMS settings in securityProfile (and the identity for a customer-managed key).
# The new KMS experience cannot be turned off again: once applied, keep this in your code.
# AzureRM has no field for infrastructure encryption, so AzAPI sets it (and, here, the rest of the KMS settings).
resource "azapi_update_resource" "cluster_kms" {
  type        = "Microsoft.ContainerService/managedClusters@2026-10-01"
  resource_id = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1"
  body        = {
    properties = {
      securityProfile = {
        kubernetesResourceObjectEncryptionProfile = {
          infrastructureEncryption = "Enabled"
        }
      }
    }
  }
}

# If azurerm_kubernetes_cluster manages aks1 in your code, put the same settings there, or its next apply
# undoes them; keep only kubernetesResourceObjectEncryptionProfile in azapi_update_resource above.
# azurerm_kubernetes_cluster needs no change for platform-managed keys.

# verify: Verify: az aks show --query securityProfile
