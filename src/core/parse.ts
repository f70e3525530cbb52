/** Words that mean "help" without a slash, in the languages our users write. */
const HELP_WORDS = new Set(['help', '帮助', '幫助', '菜单', '選單', '?', '？']);

/**
 * Reads a chat message as a command invocation: `/name args`, `name args` when `name` is a
 * registered command typed as the first word (Feishu users often omit the slash), or a bare
 * help word. Returns null for an ordinary question.
 */
export function parseInvocation(
  text: string,
  isCommand: (name: string) => boolean,
): { name: string; args: string } | null {
  const trimmed = text.trim();
  if (HELP_WORDS.has(trimmed.toLowerCase())) return { name: 'help', args: '' };
  const slash = /^[/／]([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (slash) return { name: slash[1]!.toLowerCase(), args: (slash[2] ?? '').trim() };
  const bare = /^([A-Za-z][\w-]*)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (bare && bare[1]!.toLowerCase() !== 'ask' && isCommand(bare[1]!) && /^[a-z]+$/.test(bare[1]!)) {
    // Only lower-case single words count, so an English question ("Help me understand…") stays a question.
    if (!bare[2] || bare[1] === 'kb' || bare[1] === 'remind' || bare[1] === 'digest') {
      return { name: bare[1]!.toLowerCase(), args: (bare[2] ?? '').trim() };
    }
  }
  return null;
}
