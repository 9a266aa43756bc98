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

# registerFeature — already done: Register the KMSPMKPreview feature once per subscription, and wait until it is Registered.
# Once per subscription, outside Terraform (a subscription-wide preview feature):
#   az feature register --namespace Microsoft.ContainerService --name KMSPMKPreview
#   az feature show --namespace Microsoft.ContainerService --name KMSPMKPreview --query properties.state   # until Registered

# registerProvider — already done: Then refresh the Microsoft.ContainerService provider registration.
#   az provider register --namespace Microsoft.ContainerService --wait

# createVault — already done: the vault kvprod exists and is referenced by its ID.

# assignCryptoOfficerToUser — already done (the principal holds the role): Key Vault Crypto Officer for whoever applies this, to create the key.
# resource "azurerm_role_assignment" "keyvaultcryptoofficer_user" {
#   name                 = "7b14da33-9eb8-502f-98e4-21ccaaeb17b6"
#   scope                = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
#   role_definition_name = "Key Vault Crypto Officer"
#   principal_id         = "aaaaaaaa-0000-4000-8000-000000000001"
#   principal_type       = "User"
# }

# createKey — already done: the key aks-kms exists; its versionless ID is used below.

# lockFirewall: Private access: after the key exists, deny public networks; AKS reaches the vault as a trusted Azure service.
# azapi_update_resource merges this into the vault as it is: its own ipRules and virtualNetworkRules stay.
resource "azapi_update_resource" "vault_firewall" {
  type        = "Microsoft.KeyVault/vaults@2023-07-01"
  resource_id = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
  body        = {
    properties = {
      publicNetworkAccess = "Enabled"
      networkAcls = {
        defaultAction = "Deny"
        bypass = "AzureServices"
      }
    }
  }
}

# createIdentity — already done: the identity id-aks1 exists and is referenced by its ID.

# assignCryptoUserToIdentity — already done (the principal holds the role): Key Vault Crypto User for the identity: encrypt and decrypt.
# resource "azurerm_role_assignment" "keyvaultcryptouser_identity" {
#   name                 = "4ebea172-3b13-5ac9-970b-a5287e199266"
#   scope                = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
#   role_definition_name = "Key Vault Crypto User"
#   principal_id         = "p-id-aks1"
#   principal_type       = "ServicePrincipal"
# }

# assignContributorToIdentity: Key Vault Contributor for the identity: key management.
resource "azurerm_role_assignment" "keyvaultcontributor_identity" {
  name                 = "9e418c71-8093-58cf-8810-dd2c0acfc317"
  scope                = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
  role_definition_name = "Key Vault Contributor"
  principal_id         = "p-id-aks1"
  principal_type       = "ServicePrincipal"
}

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
          keyId = "https://kvprod.vault.azure.net/keys/aks-kms"
          keyVaultNetworkAccess = "Private"
          keyVaultResourceId = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-kv/providers/Microsoft.KeyVault/vaults/kvprod"
        }
        kubernetesResourceObjectEncryptionProfile = {
          infrastructureEncryption = "Enabled"
        }
      }
    }
  }
  depends_on  = [azapi_update_resource.vault_firewall, azurerm_role_assignment.keyvaultcontributor_identity]
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
#     key_vault_key_id         = "https://kvprod.vault.azure.net/keys/aks-kms"
#     key_vault_network_access = "Private"
#   }
# }
# END azurerm_kubernetes_cluster settings

# verify: Verify: az aks show --query securityProfile
