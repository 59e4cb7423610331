/** Process entry: runs the CLI and sets the exit code (bin/batch-load.js imports the built copy). */
import { crash, installCrashHandlers } from './crash.js';
import { main } from './main.js';

installCrashHandlers();
// Exit explicitly once the command is done: an abandoned request or backoff timer of an
// interrupted run must not hold the process open (stdout/stderr writes are synchronous on
// Linux pipes, files and terminals, so nothing printed is lost).
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  // not a usage error (those are handled inside main): a bug, reported as such (exit 4)
  (err: unknown) => crash(err),
);
