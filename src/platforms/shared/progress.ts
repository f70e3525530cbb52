/**
 * The "working on it" policy: an answer that is not ready within `delayMs` first gets a progress
 * note, which the answer then replaces. `delayMs: 0` shows the note before the work starts
 * (Slack, where the placeholder is cheap and the reply replaces it in place); a positive delay
 * spares quick answers the extra message (Feishu, where a card is a separate reply).
 */
export interface ProgressPolicy {
  delayMs: number;
}

/** Filled in while the work runs, so a failure can still replace the note with an apology. */
export interface ProgressNote {
  id?: string;
}

/**
 * Runs `work` under the policy. `show` posts the note and returns its id (or undefined when it
 * could not be posted — progress is a courtesy, never a reason to fail the answer).
 */
export async function withProgress<T>(
  policy: ProgressPolicy,
  note: ProgressNote,
  show: (() => Promise<string | undefined>) | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (!show) return work();
  const showQuietly = () => show().catch(() => undefined);
  if (policy.delayMs <= 0) {
    note.id = await showQuietly();
    return work();
  }
  const pending = work();
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), policy.delayMs);
  });
  try {
    const first = await Promise.race([pending.then(() => 'done' as const), slow]);
    if (first === 'slow') note.id = await showQuietly();
  } finally {
    clearTimeout(timer);
  }
  return pending;
}
