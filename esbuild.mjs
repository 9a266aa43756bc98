// Bundles the extension (Node, CommonJS, `vscode` external), the webview (browser) and the extension-host test suite.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };

const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts' },
  outdir: 'dist',
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
