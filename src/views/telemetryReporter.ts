/**
 * Entry point of the lazy bundle dist/telemetry.js (esbuild.mjs): the Application Insights reporter is ~170 KB
 * minified and is needed only by builds that ship a telemetry connection string.
 */
export { TelemetryReporter } from '@vscode/extension-telemetry';
