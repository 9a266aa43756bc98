/**
 * Everything the views and commands call that needs the Azure SDK clients. This file is the entry point of the lazy
 * bundle dist/azure.js (esbuild.mjs): the SDKs are most of the extension's code, so they load on first use through
 * `azureSdk()` (lazySdk.ts), not at activation. Import types from the adapters directly; call them through here.
 */
export { configureDomainL10n } from '../kms/l10nConfig';
export { executeBatch, preflightBatch } from './bulkPlatformKeys';
export { executeEnable, prepareEnable } from './enableFlow';
export { getKmsFeatureState, registerContainerServiceProvider, registerKmsFeature } from './features';
export { FleetService } from './fleetService';
export { listIdentities } from './identities';
export { applyRotationPolicyInput, readRotationPolicy, rotateKey } from './keyRotation';
export { listVaults } from './keyVault';
export { DEFAULT_MANAGED_CLUSTERS_API_VERSION, ManagedClustersAdapter } from './managedClusters';
export { listCliDirectory, listDirectories } from './directories';
// The infrastructure-as-code printers: pure, but needed only beside prepareEnable, so they load with this bundle.
export { renderIac } from '../kms/iac/formats';
export { iacPlanOf } from '../kms/iac/iacPlan';
