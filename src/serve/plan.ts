/**
 * One test of a request → a validated RunConfig for the engine. Applies serve's defaults (the
 * FastAPI orchestrator's 60 s / 1 user / spawn 1), the intensity level, the body, and the host precedence:
 *
 *   body `host` > LOCUST_HOST > LOCUST_<TEST>_HOST (chat/responses/embeddings) > embedded mock
 *
 * The host is decided here and set explicitly; the resolver gets an env without any host vars, so
 * the CLI's env handling cannot apply a second time (a per-scenario host would otherwise win over
 * the global one inside the engine).
 */
import { loadRunConfig } from '../config/load.js';
import { ConfigError } from '../config/errors.js';
import { RUN_OPTIONS, type RawRunOptions } from '../options/run-options.js';
import type { RunConfig } from '../config/types.js';
import { redactor } from '../http/redact.js';
import { bodyFieldName, type ParsedTestBody } from './body.js';
import { ValidationError, type FieldError } from './errors.js';
import { INTENSITY_LEVELS, type IntensityName } from './intensity.js';
import { TEST_DEFAULTS, TEST_HOST_ENV, TEST_SCENARIO, type TestName } from './tests.js';

type Env = Record<string, string | undefined>;

export type HostSource = 'body' | 'LOCUST_HOST' | 'LOCUST_CHAT_HOST' | 'LOCUST_RESPONSES_HOST' | 'LOCUST_EMBEDDINGS_HOST' | 'embedded';

export interface TestHost {
  /** undefined: the engine starts the embedded mock */
  host?: string;
  source: HostSource;
}

const nonEmpty = (v: string | undefined): string | undefined => (v !== undefined && v.trim() !== '' ? v.trim() : undefined);

export function resolveTestHost(test: TestName, bodyHost: string | undefined, env: Env): TestHost {
  const fromBody = nonEmpty(bodyHost);
  if (fromBody) return { host: fromBody, source: 'body' };
  const global = nonEmpty(env.LOCUST_HOST);
  if (global) return { host: global, source: 'LOCUST_HOST' };
  const perTestVar = TEST_HOST_ENV[test];
  const perTest = perTestVar ? nonEmpty(env[perTestVar]) : undefined;
  if (perTestVar && perTest) return { host: perTest, source: perTestVar as HostSource };
  return { source: 'embedded' };
}

const HOST_OPTIONS = new Set<string>(['host', 'chatHost', 'responsesHost', 'embeddingsHost']);

/** The env vars the resolver may apply for a serve run: API keys, Basic auth, thresholds, data; no hosts. */
export function runEnv(env: Env): Env {
  const out: Env = {};
  for (const spec of RUN_OPTIONS) {
    if (!('env' in spec) || HOST_OPTIONS.has(spec.key)) continue;
    for (const name of spec.env) if (env[name] !== undefined) out[name] = env[name];
  }
  return out;
}

/** What the run was asked to do, echoed as the intensity route's `configuration`. */
export interface TestConfiguration {
  duration_seconds: number;
  user_count: number;
  spawn_rate: number;
  /** null: the embedded mock */
  host: string | null;
  host_source: HostSource;
}

export interface TestPlan {
  test: TestName;
  config: RunConfig;
  configuration: TestConfiguration;
}

export interface PlanContext {
  env: Env;
  cwd: string;
  runId: string;
  intensity?: IntensityName;
}

/** Maps a resolver message (`--users: must be ≥ 1`) to the body field that set the option. */
function configErrorToField(err: ConfigError, test: TestName, parsed: ParsedTestBody, loc: Array<string | number>): FieldError {
  const flag = /--([a-z0-9-]+)/.exec(err.message)?.[1];
  const key = flag ? (flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) as keyof RawRunOptions) : undefined;
  const field = key ? (parsed.fields[key] ?? (key === 'host' ? 'host' : bodyFieldName(key))) : undefined;
  return { loc: field ? [...loc, field] : [...loc], msg: `${test}: ${redactor.redact(err.message)}`, type: 'value_error' };
}

export async function planTest(test: TestName, parsed: ParsedTestBody, ctx: PlanContext, loc: Array<string | number>): Promise<TestPlan> {
  const level = ctx.intensity ? INTENSITY_LEVELS[ctx.intensity] : undefined;
  const body = parsed.options;
  const target = resolveTestHost(test, typeof body.host === 'string' ? body.host : undefined, ctx.env);
  const online = test !== 'batch';
  const raw: RawRunOptions = {
    runTime: level?.duration_seconds ?? TEST_DEFAULTS.durationSeconds,
    users: level?.user_count ?? TEST_DEFAULTS.userCount,
    spawnRate: level?.spawn_rate ?? TEST_DEFAULTS.spawnRate,
    progressInterval: TEST_DEFAULTS.progressInterval,
    ...(online ? { promptRepeat: TEST_DEFAULTS.promptRepeat } : {}),
    ...body,
    host: target.host,
    scenario: TEST_SCENARIO[test],
    runId: `${ctx.runId}-${test}`,
  };
  let config: RunConfig;
  try {
    config = await loadRunConfig(raw, { env: runEnv(ctx.env), cwd: ctx.cwd });
  } catch (err) {
    if (err instanceof ConfigError) throw new ValidationError([configErrorToField(err, test, parsed, loc)]);
    throw err;
  }
  return {
    test,
    config,
    configuration: {
      duration_seconds: config.runTimeMs / 1000,
      user_count: config.users,
      spawn_rate: config.spawnRate,
      host: target.host ?? null,
      host_source: target.source,
    },
  };
}
