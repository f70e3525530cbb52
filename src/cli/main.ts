/**
 * `npm run -s cli -- <command>`. With --json, stdout carries nothing but the JSON.
 * Bad input: one line on stderr and exit code 2.
 */
import { staleBuildWarning } from '../ops/build-freshness.js';
import { kbCli } from './kb.js';
import { registerCliCommand, runCli } from './commands.js';

registerCliCommand('kb', kbCli);

const stale = staleBuildWarning(import.meta.url);
if (stale) process.stderr.write(`${stale}\n`);

process.exitCode = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
});
