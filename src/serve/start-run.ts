/**
 * A POST's tests → validated plans → a registered run, started. Validation happens before
 * anything is registered (422 with every field error), the concurrency limit before anything
 * runs (409 naming the running run).
 */
import { isPlainObject, parseTestBody } from './body.js';
import { HttpError, ValidationError, type FieldError } from './errors.js';
import { executeRun, type ExecuteDeps } from './executor.js';
import type { IntensityName } from './intensity.js';
import { planTest, type TestConfiguration, type TestPlan } from './plan.js';
import type { RunKind, RunRecord } from './runs.js';
import { TEST_NAMES, type TestName } from './tests.js';

export interface StartRequest {
  kind: RunKind;
  /** test → its body (already split for POST /run-load-tests) */
  bodies: Array<{ test: TestName; body: unknown; loc: Array<string | number> }>;
  intensity?: IntensityName;
  async: boolean;
}

export interface StartDeps extends ExecuteDeps {
  env: Record<string, string | undefined>;
  cwd: string;
}

export const statusUrl = (id: string): string => `/runs/${id}`;

/**
 * POST /run-load-tests body → all four tests, in order, each with its override from the body
 * (`{"chat": {"duration_seconds": 120}}` runs every test, chat for 120 s: the FastAPI orchestrator's
 * "run all tests" call), or field errors.
 */
export function splitAllTestsBody(body: unknown): StartRequest['bodies'] {
  if (body === undefined || body === null) return TEST_NAMES.map((test) => ({ test, body: undefined, loc: ['body', test] }));
  if (!isPlainObject(body)) throw new ValidationError([{ loc: ['body'], msg: 'Input should be a valid dictionary or object', type: 'dict_type' }]);
  const errors: FieldError[] = [];
  for (const key of Object.keys(body)) {
    if (!(TEST_NAMES as readonly string[]).includes(key)) {
      errors.push({ loc: ['body', key], msg: `Extra inputs are not permitted (tests: ${TEST_NAMES.join(', ')})`, type: 'extra_forbidden' });
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return TEST_NAMES.map((test) => ({ test, body: body[test] ?? undefined, loc: ['body', test] }));
}

async function plan(request: StartRequest, deps: StartDeps, runId: string): Promise<TestPlan[]> {
  const errors: FieldError[] = [];
  const parsed = request.bodies.map((b) => {
    const r = parseTestBody(b.body, b.loc);
    errors.push(...r.errors);
    return { ...b, parsed: r.parsed };
  });
  if (errors.length > 0) throw new ValidationError(errors);
  const plans: TestPlan[] = [];
  for (const p of parsed) {
    try {
      plans.push(await planTest(p.test, p.parsed, { env: deps.env, cwd: deps.cwd, runId, intensity: request.intensity }, p.loc));
    } catch (err) {
      if (err instanceof ValidationError) errors.push(...err.errors);
      else throw err;
    }
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return plans;
}

/** Validates, registers and starts a run; the run's `done` settles when it ends. */
export async function startRun(request: StartRequest, deps: StartDeps): Promise<RunRecord> {
  // engine run ids are `<run id>-<test>`; the registry assigns the run id below
  const plans = await plan(request, deps, 'pending');
  const configurations: Partial<Record<TestName, TestConfiguration>> = {};
  for (const p of plans) configurations[p.test] = p.configuration;
  const created = deps.registry.create({
    kind: request.kind,
    tests: plans.map((p) => p.test),
    intensity: request.intensity,
    async: request.async,
    configurations,
    plannedRunTimeMs: plans.reduce((sum, p) => sum + p.config.runTimeMs, 0),
  });
  if ('busy' in created) {
    const ids = created.busy.map((r) => r.id);
    const detail = `${ids.length === 1 ? 'A run is' : 'Runs are'} in progress (${ids.join(', ')}); at most ${deps.registry.maxConcurrentRuns} at a time`;
    throw new HttpError(409, detail, {}, { run_id: ids[0], running_run_ids: ids, status_url: statusUrl(ids[0]!) });
  }
  const run = created.run;
  for (const p of plans) p.config.runId = `${run.id}-${p.test}`;
  run.done = executeRun(run, plans, deps).catch((err: unknown) => {
    deps.log(`run ${run.id}: internal error: ${(err as Error).message}`);
    if (run.status === 'queued' || run.status === 'running') {
      deps.registry.finish(run, 'failed', { message: `internal error: ${(err as Error).message}`, httpStatus: 500 });
    }
  });
  return run;
}
