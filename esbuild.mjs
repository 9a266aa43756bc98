// Bundles the extension (Node, CommonJS, `vscode` external), the webview (browser) and the extension-host test suite.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

// Lazy bundles. Activation must stay small (≤ 200 KB of JavaScript), and the Azure SDKs are most of the code, so each
// file here is built into its own dist/<name>.js and every `import()` of it in src becomes a `require` of that file:
// it loads on first use. A dynamic import of anything else in src is a build error, so nothing large slips into
// dist/extension.js by way of `import()` (esbuild would otherwise inline it).
const lazyBundles = {
  azure: 'src/azure/sdk.ts',
  azureCli: 'src/azure/cliCredential.ts',
  telemetry: 'src/views/telemetryReporter.ts',
};
const lazyBundlesPlugin = {
  name: 'lazy-bundles',
  setup(build) {
    const src = path.resolve('src') + path.sep;
    const nameOf = new Map(Object.entries(lazyBundles).map(([name, file]) => [path.resolve(file), name]));
    build.onResolve({ filter: /.*/ }, async args => {
      if (args.kind !== 'dynamic-import' || !args.importer.startsWith(src)) return undefined;
      const resolved = await build.resolve(args.path, { kind: 'import-statement', importer: args.importer, resolveDir: args.resolveDir });
      if (resolved.errors.length) return { errors: resolved.errors };
      const name = nameOf.get(resolved.path);
      if (!name) return { errors: [{ text: `import('${args.path}') is not a lazy bundle: add it to lazyBundles in esbuild.mjs, or import it statically` }] };
      return { path: `./${name}.js`, external: true };
    });
  },
};

const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts', ...lazyBundles },
  outdir: 'dist',
  plugins: [lazyBundlesPlugin],
  // `import()` of a lazy bundle must become `require()`: the extension host's require resolves `vscode` and shares
  // the module cache; Node's ESM loader would do neither.
  supported: { 'dynamic-import': false },
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // Some @azure packages ship ESM with `import.meta.url`; CommonJS output needs a stand-in.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  mainFields: ['module', 'main'],
};

const webview = {
  ...common,
  entryPoints: { webview: 'src/webview/main.ts' },
  outdir: 'dist',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

// The mocha suite that runs inside the real extension host (test/extension). Not shipped in the VSIX.
const extensionTestFiles = fs.existsSync('test/extension')
  ? fs.readdirSync('test/extension').filter(f => f.endsWith('.ts')).map(f => path.join('test/extension', f))
  : [];
const extensionTests = {
  ...common,
  sourcemap: true,
  minify: false,
  entryPoints: extensionTestFiles,
  outdir: 'dist/test/extension',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
};

// Codicons for the webview come from @vscode/codicons, copied next to the bundles (localResourceRoots is dist/ + media/).
fs.mkdirSync('dist/codicons', { recursive: true });
for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);

const configs = [extension, webview];
if (!production && extensionTestFiles.length) configs.push(extensionTests);

if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map(c => esbuild.build(c)));
}
