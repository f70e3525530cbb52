// The one file every worker thread starts from. Worker threads do not inherit tsx's loader from
// the thread that starts them, so when the entry is TypeScript (tests, `npm run dev`) this
// registers tsx first; compiled entries (dist/, `npm start`) are imported as they are, and tsx,
// a development dependency, is never loaded in production.
import { workerData } from 'node:worker_threads';

const { workerEntry } = workerData;
if (workerEntry.endsWith('.ts')) (await import('tsx/esm/api')).register();
await import(workerEntry);
