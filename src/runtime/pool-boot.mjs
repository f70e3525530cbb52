// The file every thread of a piscina pool starts from (piscina imports it and calls its default
// export per task). As worker-boot.mjs does for plain workers: when the task module is TypeScript
// (tests, `npm run dev`) tsx is registered first, since worker threads do not inherit the loader;
// compiled modules (dist/, `npm start`) are imported as they are.
import { workerData } from 'node:worker_threads';

const { workerEntry } = workerData;
if (workerEntry.endsWith('.ts')) (await import('tsx/esm/api')).register();
const entry = await import(workerEntry);
export default entry.default;
