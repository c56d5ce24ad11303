import { defineConfig } from 'vitest/config'

// One test command for everything: unit tests beside the code, database tests on every engine (PGlite always;
// the PostgreSQL server too when TEST_DATABASE_URL is set), HTTP tests through buildApp, and browser journeys
// in the system Chromium (test/e2e).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
