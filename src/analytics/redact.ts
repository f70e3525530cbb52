import { looksLikeContract } from '../precheck/contract-likeness.js';

/**
 * What the questions table may keep of a question. The dashboard needs the wording of gaps, not
 * who asked or their customers' details: long digit runs (bank accounts, ID cards, phone
 * numbers, USCCs), e-mail addresses and mentions are replaced whatever the settings; a pasted
 * contract is kept only when the deployment opted in to storing contract text.
 */
export const CONTRACT_NOT_STORED = '[合同文本未保存 · contract text not stored]';

// A run of 8+ digits, allowing the spaces and dashes people type inside account numbers.
const LONG_NUMBER = /(?:\d[\s-]?){7,}\d/g;
// Unified social credit codes and ID cards mix letters into the digits (18 characters).
const MIXED_CODE = /\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b|\b\d{17}[\dXx]\b/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const MENTION = /<[@!#][^>]*>|<at\b[^>]*>.*?<\/at>|@_user_\d+/g;

export function redactPersonalData(text: string): string {
  return text.replace(MENTION, '[@]').replace(EMAIL, '[email]').replace(MIXED_CODE, '[number]').replace(LONG_NUMBER, '[number]');
}

export function questionForAnalytics(question: string, storeContractText: boolean): string {
  if (!storeContractText && question.length > 80 && looksLikeContract(question)) return CONTRACT_NOT_STORED;
  return redactPersonalData(question);
}
