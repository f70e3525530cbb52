import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The shipped knowledge/reminders.yaml with every entry switched on. The shipped file keeps its
 * placeholder-channel entries disabled; the end-to-end tests want them posting to the fakes.
 */
export function enabledRemindersFile(dir: string): string {
  const shipped = readFileSync(path.resolve(import.meta.dirname, '../../knowledge/reminders.yaml'), 'utf8');
  const file = path.join(dir, 'reminders.enabled.yaml');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, shipped.replace(/^(\s+)enabled: false$/gm, '$1enabled: true'));
  return file;
}
