import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native modules (better-sqlite3, hnswlib-node) are safest in forked workers.
    pool: 'forks',
    // One throwaway PostgreSQL for the run: the storage tests run on both engines.
    globalSetup: ['tests/global-postgres.ts'],
  },
});
