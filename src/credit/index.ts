import type { Feature } from '../core/types.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../storage/database.js';
import { createCreditActions, createCreditCommand, createCreditFormHandler } from './commands.js';
import { creditPolicyPath, loadCreditPolicy } from './policy.js';
import {
  CreditWorkflow,
  creditRolesFromConfig,
  parseApprovalChannels,
  type CreditMessenger,
  type CreditRoleSettings,
} from './workflow.js';

/** The credit feature: policy from KNOWLEDGE_DIR, roles and approval channel from the settings. */
export function createCreditFeature(options: {
  db: Db;
  /** The settings credit reads (the app config satisfies it). */
  config: CreditRoleSettings & { KNOWLEDGE_DIR: string; CREDIT_APPROVAL_CHANNEL?: string };
  messenger: CreditMessenger;
  logger?: Logger;
}): Feature & { workflow: CreditWorkflow } {
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
    name: 'credit',
    workflow,
    commands: [createCreditCommand(deps)],
    forms: [createCreditFormHandler(deps)],
    actions: createCreditActions(deps),
  };
}

export { createCreditActions, createCreditCommand, createCreditFormHandler } from './commands.js';
export { creditFileToJson, creditResultText, type CreditCliResult } from './cli.js';
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
export { DataFileError } from '../data-files/data-file.js';
