import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openStorage, type Db, type Engine, type Storage } from '../../src/storage/database.js';
import type { Schema } from '../../src/storage/schema.js';

/** A fresh SQLite database (in memory unless a file is given), migrated as on start. */
export async function openTestDb(file = ':memory:'): Promise<Db> {
  return (await openStorage({ sqliteFile: file })).db;
}

export async function openTestStorage(file = ':memory:'): Promise<Storage> {
  return openStorage({ sqliteFile: file });
}

export async function countRows(db: Db, table: keyof Schema): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The engines this run can test: SQLite always, PostgreSQL when the run started one (tests/global-postgres.ts). */
export function testEngines(): Engine[] {
  return inject('postgresUrl') ? ['sqlite', 'postgres'] : ['sqlite'];
}

export function postgresAvailable(): boolean {
  return Boolean(inject('postgresUrl'));
}

/** An empty PostgreSQL database of its own on the run's server; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = inject('postgresUrl');
  if (!admin) throw new Error('no PostgreSQL in this test run');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated, empty store on `engine`; `close` also drops a PostgreSQL test database. */
export async function openEngine(engine: Engine): Promise<Storage> {
  if (engine === 'sqlite') return openStorage({ sqliteFile: ':memory:' });
  const database = await createTestDatabase();
  const storage = await openStorage({ databaseUrl: database.url, sqliteFile: ':memory:', poolSize: 5 });
  return {
    ...storage,
    async close() {
      await storage.close();
      await database.drop();
    },
  };
}
