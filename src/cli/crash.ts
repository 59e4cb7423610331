/**
 * The last line of defence: an uncaught exception or unhandled rejection anywhere prints one line,
 * lets the running command write what it had counted (summary and reports, synchronously), and
 * exits 4. A crash must never look like a pass, nor like a threshold failure (exit 1).
 */
import { redactor } from '../http/redact.js';
import { EXIT } from './exit-codes.js';

type Reporter = (error: string) => void;
let reporter: Reporter | undefined;
let crashing = false;

/** Registers what to write if the process crashes now; the returned function unregisters it. */
export function onCrashWrite(fn: Reporter): () => void {
  reporter = fn;
  return () => {
    if (reporter === fn) reporter = undefined;
  };
}

export function crash(err: unknown, stderr: NodeJS.WritableStream = process.stderr): never {
  const message = err instanceof Error ? err.message : String(err);
  const line = redactor.redact(message.split('\n')[0] ?? '');
  if (!crashing) {
    crashing = true;
    stderr.write(`batch-load: internal error: ${line} (a bug in batch-load: please report it)\n`);
    try {
      reporter?.(line);
    } catch (e) {
      stderr.write(`batch-load: could not write the partial report: ${redactor.redact((e as Error).message)}\n`);
    }
  }
  process.exit(EXIT.INTERNAL);
}

export function installCrashHandlers(): void {
  process.on('uncaughtException', (err) => crash(err));
  process.on('unhandledRejection', (err) => crash(err));
}
