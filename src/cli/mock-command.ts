import type { Argv } from 'yargs';
import {
  type FaultRates,
  type MockServerOptions,
  MockConfigError,
  loadMockConfigFile,
  resolveOptions,
  startMockServer,
} from '../mock/index.js';
import { ConfigError } from '../config/errors.js';
import { addOptions, rawFromArgv } from '../options/cli.js';
import { MOCK_OPTIONS } from '../options/mock-options.js';
import { readValues } from '../options/read.js';
import { flagOf, type OptionSpec } from '../options/spec.js';

const DEFAULT_PORT = 8080;

const FAULT_KINDS: Record<string, keyof FaultRates> = {
  '500': 'error500',
  '429': 'error429',
  reset: 'reset',
  hang: 'hang',
  truncate: 'truncated',
  truncated: 'truncated',
  malformed: 'malformed',
};

/** Adds every `batch-load mock` flag (src/options/mock-options.ts). No defaults are set here, so a config file's values survive. */
export function mockCommandBuilder<T>(y: Argv<T>): Argv<T> {
  return addOptions(y, MOCK_OPTIONS);
}

/**
 * Runs `batch-load mock`: starts the server, prints one line, and resolves 0 once SIGINT/SIGTERM
 * (or io.signal) has closed it. A bad option: one line on stderr, resolves 2 without listening.
 */
/**
 * The tester's own credential env vars, read when the matching flag (and config key) is absent,
 * so a mock and the tester share one Secret (the Helm chart's in-cluster mock does).
 */
export function withCredentialEnv(options: MockServerOptions, env: Record<string, string | undefined>): MockServerOptions {
  const auth = { ...options.auth };
  if (auth.adminUser === undefined && env.BASIC_AUTH_USERNAME) auth.adminUser = env.BASIC_AUTH_USERNAME;
  if (auth.adminPassword === undefined && env.BASIC_AUTH_PASSWORD) auth.adminPassword = env.BASIC_AUTH_PASSWORD;
  const key = env.API_KEY || env.LOCUST_API_KEY;
  if (key && !(auth.staticKeys ?? []).includes(key)) auth.staticKeys = [...(auth.staticKeys ?? []), key];
  return { ...options, auth };
}

export async function runMock(
  argv: Record<string, unknown>,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; signal?: AbortSignal; env?: Record<string, string | undefined> },
): Promise<number> {
  let options: MockServerOptions;
  try {
    options = withCredentialEnv(await optionsFromArgv(argv), io.env ?? {});
  } catch (err) {
    io.stderr.write(`batch-load mock: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  let server;
  try {
    server = await startMockServer(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const where = `${options.host ?? '127.0.0.1'}:${options.port ?? DEFAULT_PORT}`;
    io.stderr.write(`batch-load mock: cannot listen on ${where}${code ? ` (${code})` : ''}\n`);
    return 1;
  }
  const basePaths = resolveOptions(options).basePaths.join(', ');
  io.stdout.write(`batch-load mock listening on ${server.url} (base paths ${basePaths})\n`);
  await waitForStop(io.signal);
  await server.close();
  return 0;
}

function waitForStop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/** Config file first, then flags on top; everything validated, with errors naming the flag. */
export async function optionsFromArgv(argv: Record<string, unknown>): Promise<MockServerOptions> {
  const config = typeof argv.config === 'string' ? await loadMockConfigFile(argv.config) : {};
  const options = structuredClone(config) as Record<string, unknown>;
  const fromFlags = new Map<string, string>();
  const { raw, labels } = rawFromArgv(argv, MOCK_OPTIONS);
  let values: Record<string, unknown>;
  try {
    values = readValues(MOCK_OPTIONS, raw, { labels, keepEmpty: true });
  } catch (err) {
    if (err instanceof ConfigError) throw new MockConfigError(err.message, null);
    throw err;
  }
  for (const spec of MOCK_OPTIONS as readonly OptionSpec[]) {
    const value = values[spec.key];
    if (value === undefined || !spec.path) continue;
    setPath(options, spec.path, spec.invert ? !value : value);
    fromFlags.set(spec.path, flagOf(spec));
  }
  const routes = values.faultRoute as string[] | undefined;
  if (routes) {
    const faults = (options.faults ??= {}) as Record<string, unknown>;
    const table = (faults.routes ??= {}) as Record<string, FaultRates>;
    for (const value of routes) {
      const [key, rates] = parseFaultRoute(String(value));
      table[key] = { ...table[key], ...rates };
    }
  }
  if (options.port === undefined) options.port = DEFAULT_PORT;
  try {
    resolveOptions(options as MockServerOptions);
  } catch (err) {
    if (err instanceof MockConfigError && err.option !== null && fromFlags.has(err.option)) {
      const flag = fromFlags.get(err.option)!;
      throw new MockConfigError(`--${flag}${err.message.slice(err.option.length)}`, err.option);
    }
    throw err;
  }
  return options as MockServerOptions;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node = (typeof next === 'object' && next !== null ? next : (node[key] = {})) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** 'POST /v1/chat/completions:500=0.1,429=0.05' → ['POST /v1/chat/completions', {error500: 0.1, error429: 0.05}] */
export function parseFaultRoute(value: string): [string, FaultRates] {
  const bad = (): never => {
    throw new MockConfigError(
      `--fault-route must look like 'POST /v1/chat/completions:500=0.1,429=0.05' (got '${value.slice(0, 100)}')`,
      'faults.routes',
    );
  };
  const colon = value.lastIndexOf(':');
  if (colon === -1) bad();
  const key = value.slice(0, colon).trim().replace(/\s+/, ' ');
  if (!/^[A-Za-z]+ \/\S*$/.test(key)) bad();
  const rates: FaultRates = {};
  for (const part of value.slice(colon + 1).split(',')) {
    const [kind, rate] = part.split('=').map((s) => s.trim());
    const field = FAULT_KINDS[kind ?? ''];
    const n = Number(rate);
    if (field === undefined || rate === undefined || rate === '' || !Number.isFinite(n)) bad();
    rates[field!] = n;
  }
  const [method, path] = key.split(' ');
  return [`${method!.toUpperCase()} ${path!}`, rates];
}
