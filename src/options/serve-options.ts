/** `batch-load serve` options (the HTTP orchestrator); same table style as the run options. */
import type { OptionSpec } from './spec.js';

const SERVER = 'Server:';

export const SERVE_OPTIONS = [
  { key: 'port', type: 'integer', group: SERVER, default: 8000, min: 0, max: 65535,
    describe: 'Port to listen on (0 picks a free one)' },
  { key: 'bind', type: 'string', group: SERVER, default: '127.0.0.1',
    describe: 'Address to listen on (0.0.0.0 for all interfaces)' },
  { key: 'maxConcurrentRuns', type: 'integer', group: SERVER, default: 1, min: 1, max: 1000,
    describe: 'Runs at a time; a further POST gets 409 with the running run id' },
  { key: 'history', type: 'integer', group: SERVER, default: 50, min: 0, max: 100_000,
    describe: 'Finished runs kept for GET /runs and GET /runs/{id}' },
] as const satisfies readonly OptionSpec[];
