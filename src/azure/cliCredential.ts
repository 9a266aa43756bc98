/**
 * Entry point of the lazy bundle dist/azureCli.js (esbuild.mjs): @azure/identity with MSAL is ~270 KB minified and
 * only users who chose `aksKms.authentication: azureCli` need it.
 */
export { AzureCliCredential } from '@azure/identity';
