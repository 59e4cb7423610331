/** Where a command writes and what it reads from the process; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** interrupt source (SIGINT/SIGTERM in the real CLI) */
  signal?: AbortSignal;
}

export function processIO(signal?: AbortSignal): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal };
}
