/**
 * Errors that end a run before (or instead of) load, each with its exit code. Their message is
 * the one line the CLI prints.
 */

/** Bad usage or configuration: exit 2, before any request is sent. */
export class ConfigError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The run could not start (target unreachable, key bootstrap failed): exit 3. */
export class StartError extends Error {
  readonly exitCode = 3;
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}
