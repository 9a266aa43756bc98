# Customer-managed key for AKS cluster aks1 (resource group rg, subscription 00000000-0000-4000-8000-000000000001).
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

data "azurerm_client_config" "current" {}

# registerFeature — already done: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
# Once per subscription, outside Terraform (a subscription-wide preview feature):
#   az feature register --namespace Microsoft.ContainerService --name KMSPMKPreview
#   az feature show --namespace Microsoft.ContainerService --name KMSPMKPreview --query properties.state   # until Registered

# registerProvider — already done: Then refresh the Microsoft.ContainerService provider registration.
#   az provider register --namespace Microsoft.ContainerService --wait

# createVault — already done: the vault kvprod exists and is referenced by its ID.

# createKey: The key: RSA 2048. AKS follows its versionless ID, so rotation needs no change here.
# The vault uses access policies: whoever applies this needs key permissions to create the key.
resource "azurerm_key_vault_access_policy" "deployer" {
  key_vault_id    = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
  tenant_id       = data.azurerm_client_config.current.tenant_id
  object_id       = "aaaaaaaa-0000-4000-8000-000000000001"
  key_permissions = ["Create", "Get"]
}

resource "azurerm_key_vault_key" "kms" {
  name         = "aks-kms"
  key_vault_id = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["encrypt", "decrypt", "wrapKey", "unwrapKey"]
  depends_on   = [azurerm_key_vault_access_policy.deployer]
}

# createIdentity — already done: the identity id-aks1 exists and is referenced by its ID.

# updateCluster: The cluster update: KMS settings in securityProfile (and the identity for a customer-managed key).
# The new KMS experience cannot be turned off again: once applied, keep this in your code.
# AzureRM has no field for infrastructure encryption, so AzAPI sets it (and, here, the rest of the KMS settings).
resource "azapi_update_resource" "cluster_kms" {
  type        = "Microsoft.ContainerService/managedClusters@2026-10-01"
  resource_id = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks1"
  body        = {
    identity = {
      type = "UserAssigned"
      userAssignedIdentities = {
        "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1" = {}
      }
    }
    properties = {
      securityProfile = {
        azureKeyVaultKms = {
          enabled = true
          keyId = azurerm_key_vault_key.kms.versionless_id
          keyVaultNetworkAccess = "Public"
          keyVaultResourceId = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
        }
        kubernetesResourceObjectEncryptionProfile = {
          infrastructureEncryption = "Enabled"
        }
      }
    }
  }
}

# If azurerm_kubernetes_cluster manages aks1 in your code, put the same settings there, or its next apply
# undoes them; keep only kubernetesResourceObjectEncryptionProfile in azapi_update_resource above.
# BEGIN azurerm_kubernetes_cluster settings
# resource "azurerm_kubernetes_cluster" "aks1" {
#   identity {
#     type         = "UserAssigned"
#     identity_ids = ["/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1"]
#   }
#   key_management_service {
#     key_vault_key_id         = azurerm_key_vault_key.kms.versionless_id
#     key_vault_network_access = "Public"
#   }
# }
# END azurerm_kubernetes_cluster settings

# verify: Verify: az aks show --query securityProfile
