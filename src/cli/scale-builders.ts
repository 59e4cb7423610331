/**
 * The yargs definitions of the scale-out commands (coordinator, worker, merge): options and help
 * only, so the CLI loads a command's code only when it runs.
 */
import type { Argv } from 'yargs';
import { addOptions } from '../options/cli.js';
import { RUN_OPTIONS } from '../options/run-options.js';
import { COORDINATOR_OPTIONS, MERGE_OPTIONS, WORKER_OPTIONS } from '../options/scale-options.js';
import { exitCodeHelp } from './exit-codes.js';

export function coordinatorCommandBuilder<T>(y: Argv<T>) {
  return addOptions(addOptions(y, COORDINATOR_OPTIONS), RUN_OPTIONS)
    .example('BATCH_LOAD_TOKEN=$(openssl rand -hex 24) $0 coordinator --expect-workers 4 -H http://gateway:4000 --scenario chat -u 400 -t 10m --json run.json', 'wait for 4 workers, then run 400 users over them')
    .epilogue(`${exitCodeHelp()}\n\nWorkers join with: batch-load worker --coordinator http://<this host>:<port> (same BATCH_LOAD_TOKEN).`);
}

export function workerCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y, WORKER_OPTIONS)
    .example('BATCH_LOAD_TOKEN=... $0 worker --coordinator http://coordinator:5557', 'join a coordinator and run its share')
    .epilogue('Exit codes: 0 the coordinator has this worker\'s figures; 2 bad usage; 3 could not join or start; 5 stopped early (lost the coordinator, or a signal).');
}

export function mergeCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y.positional('reports', { describe: 'JSON reports (--json) of shards of one run', type: 'string', array: true }), MERGE_OPTIONS)
    .example('$0 merge host-a.json host-b.json --json run.json', 'one exact verdict for a run spread over two machines')
    .example("$0 merge w0.json w1.json --threshold 'http_req_duration: p(99)<800'", 'judge one more threshold on the merge');
}
