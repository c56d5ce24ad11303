import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/**
 * One strict gate: recommended and strict typescript-eslint rules, plus the dependency rule of the
 * architecture — a domain file (a module's <thing>.ts) never imports Fastify, a database driver, node:fs or
 * the platform layer.
 */
const domainFiles = ['src/modules/*/*.ts']
const notDomainFiles = [
  'src/modules/*/*-service.ts',
  'src/modules/*/*-repository.ts',
  'src/modules/*/*-schemas.ts',
  'src/modules/*/*-pages.ts',
  'src/modules/*/*-api.ts',
  'src/modules/*/*-files.ts',
  'src/modules/*/*-http.ts',
  'src/modules/*/index.ts',
  'src/modules/*/*.test.ts',
]

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Only src/config.ts reads process.env; take configuration as a parameter.',
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: domainFiles,
    ignores: notDomainFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['fastify', '@fastify/*', 'pg', '@electric-sql/*', 'nunjucks'],
              message: 'Domain files are pure: no framework or driver.',
            },
            {
              group: ['node:fs', 'node:fs/*', 'fs', 'node:http', 'node:net'],
              message: 'Domain files do no I/O.',
            },
            { group: ['**/platform/**'], message: 'Domain files do not depend on the platform layer.' },
          ],
        },
      ],
    },
  },
)
