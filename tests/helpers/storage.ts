import { openStorage, type Db, type Storage } from '../../src/storage/database.js';
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
