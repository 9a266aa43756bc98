// ESLint flat config: typescript-eslint's recommended type-aware-free rules over the whole project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.vscode-test/', 'tmp/', 'test-results/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', __dirname: 'readonly', window: 'readonly', document: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': 'off',
    },
  },
  {
    // CommonJS scripts (scripts/mutation-preload.cjs, preloaded with `node -r`).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The domain core stays pure: no VS Code API and no Azure SDK (DESIGN.md, "Pure core, thin edges").
    files: ['src/kms/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', '@azure/*', '@azure-rest/*', '../azure/*', '../views/*', '../commands/*'] }],
    },
  },
);
