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

# createVault: A key vault with Azure RBAC and purge protection (deleting the key loses the secrets).
resource "azurerm_key_vault" "kms" {
  name                          = "kvnew01"
  location                      = "eastus"
  resource_group_name           = "rg-kv"
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = true
}

# assignCryptoOfficerToUser: Key Vault Crypto Officer for whoever applies this, to create the key.
resource "azurerm_role_assignment" "keyvaultcryptoofficer_user" {
  name                 = "5bf2b0ed-7981-5f51-881c-1d4c9a1fbd10"
  scope                = azurerm_key_vault.kms.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = "aaaaaaaa-0000-4000-8000-000000000001"
  principal_type       = "User"
}

# createKey: The key: RSA 2048. AKS follows its versionless ID, so rotation needs no change here.
resource "azurerm_key_vault_key" "kms" {
  name         = "aks-kms"
  key_vault_id = azurerm_key_vault.kms.id
  key_type     = "RSA"
  key_size     = 2048
  key_opts     = ["encrypt", "decrypt", "wrapKey", "unwrapKey"]
  depends_on   = [azurerm_role_assignment.keyvaultcryptoofficer_user]
}

# createIdentity: The user-assigned identity the cluster uses to reach the key.
resource "azurerm_user_assigned_identity" "kms" {
  name                = "id-aks1"
  location            = "eastus"
  resource_group_name = "rg"
}

# assignCryptoUserToIdentity: Key Vault Crypto User for the identity: encrypt and decrypt.
# Named by Terraform: the new identity's principal ID exists only once it is created (the wizard names it then).
resource "azurerm_role_assignment" "keyvaultcryptouser_identity" {
  scope                = azurerm_key_vault.kms.id
  role_definition_name = "Key Vault Crypto User"
  principal_id         = azurerm_user_assigned_identity.kms.principal_id
  principal_type       = "ServicePrincipal"
}

# assignContributorToIdentity: Key Vault Contributor for the identity: key management.
# Named by Terraform: the new identity's principal ID exists only once it is created (the wizard names it then).
resource "azurerm_role_assignment" "keyvaultcontributor_identity" {
  scope                = azurerm_key_vault.kms.id
  role_definition_name = "Key Vault Contributor"
  principal_id         = azurerm_user_assigned_identity.kms.principal_id
  principal_type       = "ServicePrincipal"
}

# assignNetworkContributorToIdentity: The control-plane identity manages the agent pools' custom subnets: Network Contributor there.
# Named by Terraform: the new identity's principal ID exists only once it is created (the wizard names it then).
resource "azurerm_role_assignment" "networkcontributor_identity_nodes" {
  scope                = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes"
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_user_assigned_identity.kms.principal_id
  principal_type       = "ServicePrincipal"
}

# assignNetworkContributorToIdentity — already done (the principal holds the role): The control-plane identity manages the agent pools' custom subnets: Network Contributor there.
# Named by Terraform: the new identity's principal ID exists only once it is created (the wizard names it then).
# resource "azurerm_role_assignment" "networkcontributor_identity_pods" {
#   scope                = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pods"
#   role_definition_name = "Network Contributor"
#   principal_id         = azurerm_user_assigned_identity.kms.principal_id
#   principal_type       = "ServicePrincipal"
# }

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
        (azurerm_user_assigned_identity.kms.id) = {}
      }
    }
    properties = {
      securityProfile = {
        azureKeyVaultKms = {
          enabled = true
          keyId = azurerm_key_vault_key.kms.versionless_id
          keyVaultNetworkAccess = "Public"
          keyVaultResourceId = azurerm_key_vault.kms.id
        }
        kubernetesResourceObjectEncryptionProfile = {
          infrastructureEncryption = "Enabled"
        }
      }
    }
  }
  depends_on  = [azurerm_role_assignment.keyvaultcryptouser_identity, azurerm_role_assignment.keyvaultcontributor_identity, azurerm_role_assignment.networkcontributor_identity_nodes]
}

# If azurerm_kubernetes_cluster manages aks1 in your code, put the same settings there, or its next apply
# undoes them; keep only kubernetesResourceObjectEncryptionProfile in azapi_update_resource above.
# BEGIN azurerm_kubernetes_cluster settings
# resource "azurerm_kubernetes_cluster" "aks1" {
#   identity {
#     type         = "UserAssigned"
#     identity_ids = [azurerm_user_assigned_identity.kms.id]
#   }
#   key_management_service {
#     key_vault_key_id         = azurerm_key_vault_key.kms.versionless_id
#     key_vault_network_access = "Public"
#   }
# }
# END azurerm_kubernetes_cluster settings

# verify: Verify: az aks show --query securityProfile
