/**
 * `batch-load serve`: the HTTP orchestrator (README.md, "The orchestrator service"). Refuses to start without
 * LOAD_TEST_BEARER_TOKEN (one line, exit 2). Prints one line once listening; on SIGINT/SIGTERM
 * (io.signal) it stops any running run, keeping its partial result, closes and exits 0.
 * Exit codes: 0 closed cleanly, 2 bad usage or no token, 3 could not listen.
 */
import type { Argv } from 'yargs';
import { ConfigError } from '../config/errors.js';
import { redactor } from '../http/redact.js';
import { addOptions, rawFromArgv } from '../options/cli.js';
import { defaultOf, readValues } from '../options/read.js';
import { SERVE_OPTIONS } from '../options/serve-options.js';
import type { ServeServer } from '../serve/server.js';
import type { CliIO } from './io.js';

export const TOKEN_ENV = 'LOAD_TEST_BEARER_TOKEN';

export function serveCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y, SERVE_OPTIONS).epilogue(
    `Every route but /health requires "Authorization: Bearer $${TOKEN_ENV}". Hosts: request "host" > LOCUST_HOST > LOCUST_<TEST>_HOST > embedded mock.`,
  );
}

interface ServeValues {
  port: number;
  bind: string;
  maxConcurrentRuns: number;
  history: number;
}

/** Flags (then BATCH_LOAD_<FLAG> env vars, then defaults) → typed serve options. */
function serveValues(argv: Record<string, unknown>, env: Record<string, string | undefined>): ServeValues {
  const { raw, labels } = rawFromArgv(argv, SERVE_OPTIONS, env);
  const given = readValues(SERVE_OPTIONS, raw, { labels });
  const out: Record<string, unknown> = {};
  for (const spec of SERVE_OPTIONS) out[spec.key] = given[spec.key] ?? defaultOf(spec);
  return out as unknown as ServeValues;
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
  let values: ServeValues;
  try {
    values = serveValues(argv, io.env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return 2;
  }
  const { port, maxConcurrentRuns, history } = values;
  const bind = values.bind.trim() || '127.0.0.1';
  if (token.length < 16) err(`warning: ${TOKEN_ENV} is shorter than 16 characters`);

  // loaded here: the orchestrator's code is not loaded unless `serve` runs
  const [{ startServeServer }, { createServeLog }] = await Promise.all([import('../serve/server.js'), import('../serve/log.js')]);
  let server: ServeServer;
  try {
    server = await startServeServer({
      token,
      port,
      host: bind,
      maxConcurrentRuns,
      history,
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
