/** Process entry: runs the CLI and sets the exit code (bin/batch-load.js imports the built copy). */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`batch-load: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
