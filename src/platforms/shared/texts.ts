/**
 * What every platform says in the same situations, in both languages, so a Slack user and a
 * Feishu user read the same words.
 */

export const PROGRESS_TEXT = '🔎 正在查找… / Searching…';

export const APOLOGY_TEXT = '抱歉，回答没能发出，请稍后再试。Sorry — I could not deliver the answer, please try again.';

export const FORM_EXPIRED_TEXT = '这个表单已过期，请重新运行命令。This form has expired — please run the command again.';

export const REASON_REQUIRED_TEXT = '请填写原因。A reason is required.';

export type SkipReason = 'too_large' | 'not_downloadable' | 'failed';

/** One line per file the bot could not take, with why. */
export function skippedFilesText(skipped: { name: string; reason: SkipReason }[], limitBytes: number): string {
  const mb = Math.round(limitBytes / 1024 / 1024);
  const lines = skipped.map((s) =>
    s.reason === 'too_large'
      ? `• ${s.name}: 文件太大（上限 ${mb} MB）· too large (limit ${mb} MB)`
      : `• ${s.name}: 无法下载 · could not be downloaded`,
  );
  return `以下文件未处理 · These files were skipped:\n${lines.join('\n')}`;
}

export const BUSY_TEXT = '现在问的人太多，请一分钟后再试。I am busy right now — please try again in a minute.';
