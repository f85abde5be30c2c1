// ESLint (flat config): typescript-eslint's strict, type-aware rules over all the project's
// code, and an import-cycle check. `npm run lint` runs it; `npm run check` adds tsc.
import js from '@eslint/js'
import {defineConfig} from 'eslint/config'
import {createNodeResolver, importX} from 'eslint-plugin-import-x'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {ignores: ['dist/**', 'node_modules/**', 'schemas/**', 'fixtures/**', 'templates/**', 'oclif.manifest.json']},
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        // One program for everything (src, test, bench, scripts, bin): see tsconfig.eslint.json.
        project: './tsconfig.eslint.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: {reportUnusedDisableDirectives: 'error'},
    rules: {
      // Off: the code writes `T[]`, `Column<R>[]` and `Array<{…}>` as reads best; no option matches it (170 sites).
      '@typescript-eslint/array-type': 'off',
      // Off: `type X = {…}` is the house way for plain shapes; interfaces are kept for what is extended.
      '@typescript-eslint/consistent-type-definitions': 'off',
      // `x!` after a lookup the code has just made sure of is deliberate (noUncheckedIndexedAccess is on); see docs/development.md.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans in messages are meant: `${count} rows`.
      '@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true, allowBoolean: true}],
      // Off: Number(row.id), Number(r.n) are deliberate (235 sites): PostgreSQL hands int8 and count() back as strings whatever Kysely's types say.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
      // Off: database rows are wider than their types (a column PostgreSQL hands back as a string, a row a query may not find), so it would call real checks unnecessary.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `a || b` on strings and numbers means "empty or zero counts as missing" here; `??` would change behaviour.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', {ignorePrimitives: true}],
      // `[...text]` splits into code points on purpose (lengths and widths of Chinese text).
      '@typescript-eslint/no-misused-spread': 'off',
      // `() => {}` is the house way to write "nothing to do" (a swallowed close(), a quiet progress bar).
      '@typescript-eslint/no-empty-function': ['error', {allow: ['arrowFunctions', 'methods']}],
      // `x => void f()` shorthand arrows are fine.
      '@typescript-eslint/no-confusing-void-expression': ['error', {ignoreArrowShorthand: true}],
      // `_name` is the house mark for a parameter or destructured key left unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true}],
      // `void _row` marks a loop variable drained on purpose.
      '@typescript-eslint/no-meaningless-void-operator': 'off',
    },
  },
  {
    plugins: {'import-x': importX},
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': {'@typescript-eslint/parser': ['.ts']},
      // Sources import each other as './x.js' (NodeNext): resolve that to the .ts beside it.
      'import-x/resolver-next': [createNodeResolver({extensions: ['.ts', '.js', '.mjs', '.json'], extensionAlias: {'.js': ['.ts', '.js']}})],
    },
    rules: {
      // A lazy `await import()` back into a module is no load-time cycle: request kinds register
      // themselves by side effect and load their effects only when a step runs (src/core/kinds.ts).
      'import-x/no-cycle': ['error', {ignoreExternal: true, allowUnsafeDynamicCyclicDependency: true}],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**', 'bin/**'],
    rules: {
      // Tests and benchmarks read egov's --json output and spreadsheets as untyped data on purpose.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-plus-operands': ['error', {allowAny: true, allowNumberAndString: true}],
    },
  },
  {
    // CommonJS on purpose: a node-gyp shim that better-sqlite3's install script runs.
    files: ['**/*.cjs'],
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
