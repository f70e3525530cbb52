/** Contract pre-check (/precheck): public surface for the bot core, adapters and the CLI. */
export { createPrechecker, type Prechecker, type PrecheckerOptions, type CheckOptions, type HandbookPassage } from './engine.js';
export {
  precheckFile,
  precheckUpload,
  precheckText,
  precheckFileToJson,
  toJson,
  PrecheckInputError,
  MAX_FILE_BYTES,
  MAX_TEXT_CHARS,
  type PrecheckJson,
  type PrecheckedDocument,
} from './input.js';
export { createPrecheckAudit, type PrecheckAudit, type PrecheckAuditRow } from './audit.js';
export { createPrecheckCommand, type PrecheckCommandDeps } from './command.js';
export { renderPrecheckReply, precheckUsageReply } from './render.js';
export { loadRules, parseRules, RulesFileError, DEFAULT_RULES_PATH } from './rules.js';
export { verdictOf, type Finding, type PrecheckResult, type Severity, type Verdict } from './types.js';
