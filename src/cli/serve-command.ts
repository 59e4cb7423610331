/**
 * `batch-load serve`: the HTTP orchestrator (README.md, "The orchestrator service"). Refuses to start without
 * LOAD_TEST_BEARER_TOKEN (one line, exit 2). Prints one line once listening; on SIGINT/SIGTERM
 * (io.signal) it stops any running run, keeping its partial result, closes and exits 0.
 * Exit codes: 0 closed cleanly, 2 bad usage or no token, 3 could not listen.
 */
import type { Argv } from 'yargs';
import { redactor } from '../http/redact.js';
import { createServeLog } from '../serve/log.js';
import { startServeServer, type ServeServer } from '../serve/server.js';
import type { CliIO } from './io.js';

export const TOKEN_ENV = 'LOAD_TEST_BEARER_TOKEN';

export function serveCommandBuilder<T>(y: Argv<T>) {
  return y
    .option('port', { type: 'number', default: 8000, describe: 'Port to listen on (0 picks a free one)' })
    .option('bind', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on (0.0.0.0 for all interfaces)' })
    .option('max-concurrent-runs', { type: 'number', default: 1, describe: 'Runs at a time; a further POST gets 409 with the running run id' })
    .option('history', { type: 'number', default: 50, describe: 'Finished runs kept for GET /runs and GET /runs/{id}' })
    .epilogue(`Every route but /health requires "Authorization: Bearer $${TOKEN_ENV}". Hosts: request "host" > LOCUST_HOST > LOCUST_<TEST>_HOST > embedded mock.`);
}

function intOption(argv: Record<string, unknown>, key: string, flag: string, min: number, max: number): number | string {
  const raw = argv[key];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) return `--${flag}: expected a whole number from ${min} to ${max}, got '${String(raw)}'`;
  return n;
}

function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export async function runServe(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load serve: ${redactor.redact(line)}\n`);
  const token = io.env[TOKEN_ENV]?.trim();
  if (!token) {
    err(`${TOKEN_ENV} is not set: refusing to start (every route but /health requires "Authorization: Bearer <token>")`);
    return 2;
  }
  redactor.add(token);
  const port = intOption(argv, 'port', 'port', 0, 65535);
  const maxConcurrentRuns = intOption(argv, 'maxConcurrentRuns', 'max-concurrent-runs', 1, 1000);
  const history = intOption(argv, 'history', 'history', 0, 100_000);
  for (const v of [port, maxConcurrentRuns, history]) {
    if (typeof v === 'string') {
      err(v);
      return 2;
    }
  }
  const bind = typeof argv.bind === 'string' && argv.bind.trim() !== '' ? argv.bind.trim() : '127.0.0.1';
  if (token.length < 16) err(`warning: ${TOKEN_ENV} is shorter than 16 characters`);

  let server: ServeServer;
  try {
    server = await startServeServer({
      token,
      port: port as number,
      host: bind,
      maxConcurrentRuns: maxConcurrentRuns as number,
      history: history as number,
      env: io.env,
      cwd: io.cwd,
      log: createServeLog((line) => io.stderr.write(line)),
    });
  } catch (e) {
    err(`could not listen on ${bind}:${String(port)}: ${(e as Error).message}`);
    return 3;
  }
  io.stdout.write(`batch-load serve listening on ${server.url}\n`);
  await untilAborted(io.signal);
  await server.close();
  return 0;
}
