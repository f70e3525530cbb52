/**
 * Bad input from a person — a chat user, a CLI user, or whoever edits the policy files and the
 * environment. Its message is written to be shown to them as is; the CLI and the bot process map
 * every InputError to exit code 2 (`instanceof`, so subclasses need no list), anything else to 1.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit code for a failure: 2 for bad input (usage, configuration, a broken policy file), 1 for anything else. */
export function exitCodeFor(err: unknown): 1 | 2 {
  return err instanceof InputError ? 2 : 1;
}
