/** An approved customer credit line, as the credit workflow stores it. */
export interface ApprovedCreditLine {
  customerName: string;
  uscc: string;
  limit: number;
  termDays: number;
  /** ISO date (YYYY-MM-DD) after which the line no longer applies. */
  validUntil: string;
}

/** Lets other features (the contract pre-check) ask whether a customer has an approved line. */
export interface CreditLineLookup {
  findApprovedLine(query: { uscc?: string; customerName?: string }, at?: Date): Promise<ApprovedCreditLine | null>;
}

/**
 * What the synchronous contract rules read: the line already looked up for the contract's
 * customer (the pre-check engine asks the store once, before the rules run).
 */
export interface KnownCreditLines {
  findApprovedLine(query: { uscc?: string; customerName?: string }, at?: Date): ApprovedCreditLine | null;
}
