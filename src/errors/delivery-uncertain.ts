/**
 * A message send that failed in a way that leaves it unknown whether the platform posted it (the
 * call timed out, the connection dropped mid-answer). Adapters throw it where the platform has no
 * idempotency key, so callers that would otherwise retry (scheduled posts) stop instead: for a
 * post to a channel a possible gap is better than a possible duplicate.
 */
export class DeliveryUncertainError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
