import type { ActionDefinition, CommandDefinition, FormDefinition } from '../core/types.js';
import type { AppConfig } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../storage/db.js';
import { createCreditActions, createCreditCommand, createCreditFormHandler } from './bot.js';
import { creditPolicyPath, loadCreditPolicy } from './policy.js';
import {
  CreditWorkflow,
  creditRolesFromConfig,
  parseApprovalChannels,
  type CreditMessenger,
} from './workflow.js';

/** One call for main.ts: policy from KNOWLEDGE_DIR, roles and channel from config. */
export function createCreditFeature(options: {
  db: Db;
  config: AppConfig;
  messenger: CreditMessenger;
  logger?: Logger;
}): {
  workflow: CreditWorkflow;
  command: CommandDefinition;
  form: FormDefinition;
  actions: ActionDefinition[];
} {
  const workflow = new CreditWorkflow({
    db: options.db,
    policy: loadCreditPolicy(creditPolicyPath(options.config.KNOWLEDGE_DIR)),
    roles: creditRolesFromConfig(options.config),
    approvalChannels: parseApprovalChannels(options.config.CREDIT_APPROVAL_CHANNEL),
    messenger: options.messenger,
    logger: options.logger,
  });
  const deps = { workflow };
  return {
    workflow,
    command: createCreditCommand(deps),
    form: createCreditFormHandler(deps),
    actions: createCreditActions(deps),
  };
}

export { createCreditActions, createCreditCommand, createCreditFormHandler } from './bot.js';
export { creditFileToJson, type CreditCliResult } from './cli.js';
export { loadCreditPolicy, creditPolicyPath, type CreditPolicy } from './policy.js';
export { scoreApplication, assessApplication, type CreditScore } from './score.js';
export { validateApplication, type CreditApplication } from './application.js';
export {
  CreditWorkflow,
  creditRolesFromConfig,
  messengerFromChatPorts,
  parseApprovalChannels,
  type CreditMessenger,
} from './workflow.js';
export { DataFileError } from '../knowledge/data-file.js';
