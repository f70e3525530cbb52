import type { TestProject } from 'vitest/node';
import { findPostgresBin, startTestPostgres, type TestPostgres } from './helpers/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the test run's PostgreSQL, or '' when none could be started (then those tests are skipped locally). */
    postgresUrl: string;
  }
}

/**
 * Starts one PostgreSQL for the whole run (TEST_DATABASE_URL uses an existing server instead).
 * In CI a missing PostgreSQL is an error, never a silent skip.
 */
let server: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('postgresUrl', process.env.TEST_DATABASE_URL);
    return;
  }
  if (!findPostgresBin() && !process.env.CI) {
    process.stderr.write('PostgreSQL binaries not found: the PostgreSQL tests are skipped (apt-get install postgresql)\n');
    project.provide('postgresUrl', '');
    return;
  }
  server = await startTestPostgres();
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  server?.stop();
}
