// ESLint (flat config) for the extension's glue, its tests and tools.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['build/', 'dist/', 'node_modules/', 'target/', 'extension/pkg/'] },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.webextensions },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // `let x = null; try { x = f(); } catch { … }` says what x is when f throws.
      'no-useless-assignment': 'off',
      'no-implicit-globals': 'error',
      'prefer-const': 'error',
    },
  },
  {
    // Content scripts and shared files loaded as classic scripts.
    files: ['extension/content/**/*.js', 'extension/shared/api.js', 'extension/shared/protocol.js', 'extension/shared/lookup.js', 'extension/popup/popup.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    files: ['tests/**/*.mjs', 'tools/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
