import type { Feature } from '../core/types.js';
import type { Logger } from '../log/logger.js';
import type { Db, Engine } from '../storage/database.js';
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
  engine?: Engine;
  /** The settings credit reads (the app config satisfies it). */
  config: CreditRoleSettings & {
    KNOWLEDGE_DIR: string;
    CREDIT_APPROVAL_CHANNEL?: string;
    CREDIT_CONFIRM_AFTER_SECONDS?: number;
    OUTBOX_LEASE_SECONDS?: number;
  };
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
    engine: options.engine,
    delivery: {
      ...(options.config.CREDIT_CONFIRM_AFTER_SECONDS ? { confirmAfterMs: options.config.CREDIT_CONFIRM_AFTER_SECONDS * 1000 } : {}),
      ...(options.config.OUTBOX_LEASE_SECONDS ? { leaseMs: options.config.OUTBOX_LEASE_SECONDS * 1000 } : {}),
    },
  });
  const deps = { workflow };
  return {
    name: 'credit',
    workflow,
    commands: [createCreditCommand(deps)],
    forms: [createCreditFormHandler(deps)],
    actions: createCreditActions(deps),
    // Delivery is started by the service (src/service.ts), whatever runs the scheduler; stopping is for everyone.
    stop: async () => workflow.stopDelivery(),
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
