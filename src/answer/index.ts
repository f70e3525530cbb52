export { createAnswerer, type AnswererConfig, type AnswererDeps, type ConfiguredAnswerer } from './answerer.js';
export { ConversationMemory, type Turn, type ConversationMemoryOptions } from './memory.js';
export type { Answerer, AskResult } from './types.js';
