/** Pure parts of serve: auth, body validation, host precedence, intensity, Prometheus text, registry. */
import { describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { bearerToken, createTokenCheck } from '../../src/serve/auth.js';
import { parseTestBody } from '../../src/serve/body.js';
import { INTENSITY_LEVELS, INTENSITY_NAMES } from '../../src/serve/intensity.js';
import { escapeLabelValue, renderMetrics } from '../../src/serve/metrics.js';
import { planTest, resolveTestHost, runEnv } from '../../src/serve/plan.js';
import { RunRegistry } from '../../src/serve/runs.js';
import { ValidationError } from '../../src/serve/errors.js';
import { splitAllTestsBody } from '../../src/serve/start-run.js';
import { parsePrometheus } from './prometheus.js';

describe('auth', () => {
  const check = createTokenCheck('s3cret-token-value');
  it('accepts only the exact bearer token', () => {
    expect(check('Bearer s3cret-token-value')).toBe(true);
    expect(check('bearer s3cret-token-value')).toBe(true);
    expect(check('Bearer s3cret-token-valuE')).toBe(false);
    expect(check('Bearer s3cret-token-value-and-more')).toBe(false);
    expect(check('Bearer ')).toBe(false);
    expect(check('Basic s3cret-token-value')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('')).toBe(false);
  });
  it('parses the header', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken('Token abc')).toBeUndefined();
  });
  it('refuses an empty token', () => {
    expect(() => createTokenCheck('')).toThrow();
  });
});

describe('body', () => {
  it('maps the reference fields and accepts snake_case and camelCase run options', () => {
    const { parsed, errors } = parseTestBody(
      { duration_seconds: 2, user_count: 3, spawn_rate: 1.5, host: 'http://x', max_tokens: 8, promptRepeat: '4', stream: true, threshold: 'errors: rate<0.1' },
      ['body'],
    );
    expect(errors).toEqual([]);
    expect(parsed.options).toEqual({
      runTime: 2,
      users: 3,
      spawnRate: 1.5,
      host: 'http://x',
      maxTokens: 8,
      promptRepeat: 4,
      stream: true,
      threshold: ['errors: rate<0.1'],
    });
    expect(parsed.fields.runTime).toBe('duration_seconds');
  });

  it('collects every field error FastAPI style', () => {
    const { errors } = parseTestBody(
      {
        duration_seconds: 'soon',
        user_count: 1.5,
        spawn_rate: 0,
        stream: 'yes',
        bogus: 1,
        scenario: 'batch',
        json: 'out.json',
        data: '/etc/passwd',
        users: 2,
      },
      ['body', 'chat'],
    );
    const byField = Object.fromEntries(errors.map((e) => [String(e.loc.at(-1)), e]));
    expect(byField.duration_seconds!.type).toBe('float_parsing');
    expect(byField.user_count!.type).toBe('int_parsing');
    expect(byField.spawn_rate!.type).toBe('greater_than');
    expect(byField.stream!.type).toBe('bool_type');
    expect(byField.bogus!.type).toBe('extra_forbidden');
    expect(byField.scenario!.msg).toMatch(/fixed by the test name/);
    expect(byField.json!.type).toBe('extra_forbidden');
    expect(byField.data!.type).toBe('enum');
    expect(errors.every((e) => e.loc[0] === 'body' && e.loc[1] === 'chat')).toBe(true);
  });

  it('rejects the same option given twice and a non-object body', () => {
    expect(parseTestBody({ user_count: 1, users: 2 }, ['body']).errors[0]!.msg).toMatch(/Given twice/);
    expect(parseTestBody({ duration_seconds: 1, run_time: '2s' }, ['body']).errors).toHaveLength(1);
    expect(parseTestBody([1], ['body']).errors[0]!.type).toBe('dict_type');
    expect(parseTestBody(null, ['body']).errors).toEqual([]);
    expect(parseTestBody({ host: null }, ['body']).parsed.options).toEqual({});
  });
});

describe('host precedence', () => {
  const env = { LOCUST_HOST: 'http://global', LOCUST_CHAT_HOST: 'http://chat', LOCUST_EMBEDDINGS_HOST: 'http://emb' };
  it('body host > LOCUST_HOST > LOCUST_<TEST>_HOST > embedded mock', () => {
    expect(resolveTestHost('chat', 'http://body', env)).toEqual({ host: 'http://body', source: 'body' });
    expect(resolveTestHost('chat', undefined, env)).toEqual({ host: 'http://global', source: 'LOCUST_HOST' });
    expect(resolveTestHost('chat', '', { LOCUST_CHAT_HOST: 'http://chat' })).toEqual({ host: 'http://chat', source: 'LOCUST_CHAT_HOST' });
    expect(resolveTestHost('responses', undefined, { LOCUST_CHAT_HOST: 'http://chat' })).toEqual({ source: 'embedded' });
    expect(resolveTestHost('batch', undefined, { LOCUST_CHAT_HOST: 'http://chat' })).toEqual({ source: 'embedded' });
    expect(resolveTestHost('batch', undefined, env)).toEqual({ host: 'http://global', source: 'LOCUST_HOST' });
  });
  it('passes the resolver no host variables, only the ones it should apply', () => {
    const out = runEnv({ ...env, LOCUST_API_KEY: 'k', BASIC_AUTH_PASSWORD: 'p', PATH: '/bin', LOAD_TEST_BEARER_TOKEN: 't' });
    expect(out).toEqual({ LOCUST_API_KEY: 'k', BASIC_AUTH_PASSWORD: 'p' });
  });
  it('sets the host explicitly so a per-test env var cannot win inside the engine', async () => {
    const plan = await planTest(
      'chat',
      { options: {}, fields: {} },
      { env: { LOCUST_HOST: 'http://127.0.0.1:9', LOCUST_CHAT_HOST: 'http://127.0.0.1:8' }, cwd: process.cwd(), runId: 'r' },
      ['body'],
    );
    expect(plan.config.target.host).toBe('http://127.0.0.1:9');
    expect(plan.config.target.scenarioHosts).toEqual({});
    expect(plan.configuration).toMatchObject({ duration_seconds: 60, user_count: 1, spawn_rate: 1, host_source: 'LOCUST_HOST' });
    expect(plan.config.payload.promptRepeat).toBe(150);
  });
  it('maps a resolver error back to the body field', async () => {
    const err = await planTest('chat', parseTestBody({ host: 'not a url' }, ['body']).parsed, { env: {}, cwd: process.cwd(), runId: 'r' }, ['body']).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).errors[0]!.loc).toEqual(['body', 'host']);
  });
});

describe('intensity', () => {
  it("keeps the reference's durations and its intense level", () => {
    expect(INTENSITY_NAMES).toEqual(['light', 'normal', 'medium', 'intense']);
    expect(INTENSITY_NAMES.map((n) => INTENSITY_LEVELS[n].duration_seconds)).toEqual([300, 600, 1200, 1800]);
    expect(INTENSITY_LEVELS.intense).toEqual({ duration_seconds: 1800, user_count: 1000, spawn_rate: 500 });
    const users = INTENSITY_NAMES.map((n) => INTENSITY_LEVELS[n].user_count);
    expect([...users].sort((a, b) => a - b)).toEqual(users);
  });
});

describe('prometheus text', () => {
  it('escapes label values and parses back', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const rec = new MetricsRecorder();
    rec.request('POST /v1/chat/completions [chat]', 12);
    rec.request('GET /odd "name"\\x\n', 5, 'HTTP 500');
    rec.trend('ttft', 7);
    const text = renderMetrics(
      [{ runId: 'r1', test: 'chat', engineRunId: 'r1-chat', status: 'running', users: 2, snapshot: rec.snapshot(undefined, { histograms: false }) }],
      1,
    );
    const samples = parsePrometheus(text);
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(find('batch_load_requests_total', { name: 'GET /odd "name"\\x\n' })[0]!.value).toBe(1);
    expect(find('batch_load_failures_total', { name: 'GET /odd "name"\\x\n' })[0]!.value).toBe(1);
    expect(find('batch_load_requests_total', { name: 'POST /v1/chat/completions [chat]' })[0]!.value).toBe(1);
    expect(find('batch_load_request_duration_ms', { quantile: '0.99' })).toHaveLength(2);
    expect(find('batch_load_request_duration_ms_count').map((s) => s.value)).toEqual([1, 1]);
    expect(find('batch_load_users')[0]!.value).toBe(2);
    expect(find('batch_load_run_info')[0]!.labels).toMatchObject({ run_id: 'r1', test: 'chat', status: 'running' });
    expect(find('batch_load_ttft_ms_count')[0]!.value).toBe(1);
    expect(find('batch_load_runs_active')[0]!.value).toBe(1);
  });
  it('renders run_info only when there is nothing to show', () => {
    const samples = parsePrometheus(renderMetrics([], 0));
    expect(samples.map((s) => s.name)).toEqual(['batch_load_runs_active']);
  });
});

describe('run registry', () => {
  const spec = { kind: 'test' as const, tests: ['chat' as const], async: true, configurations: {}, plannedRunTimeMs: 1000 };
  it('refuses a run beyond the concurrency limit, naming the running one', () => {
    const reg = new RunRegistry(1, 50);
    const first = reg.create(spec);
    expect('run' in first).toBe(true);
    const second = reg.create(spec);
    expect('busy' in second && second.busy.map((r) => r.id)).toEqual(['run' in first ? first.run.id : '']);
  });
  it('keeps at most `history` finished runs and never drops an active one', () => {
    const reg = new RunRegistry(2, 3);
    const active = reg.create(spec);
    if (!('run' in active)) throw new Error('busy');
    for (let i = 0; i < 10; i++) {
      const r = reg.create(spec);
      if (!('run' in r)) throw new Error('busy');
      reg.finish(r.run, 'completed');
    }
    const list = reg.list();
    expect(list.filter((r) => r.status === 'completed')).toHaveLength(3);
    expect(reg.get(active.run.id)?.status).toBe('queued');
  });
});

describe('POST /run-load-tests body', () => {
  const tests = (body: unknown) => splitAllTestsBody(body).map((b) => b.test);
  it('runs all four tests in a fixed order, each with its override from the body', () => {
    expect(tests(undefined)).toEqual(['chat', 'responses', 'embeddings', 'batch']);
    expect(tests({})).toEqual(['chat', 'responses', 'embeddings', 'batch']);
    expect(tests({ chat: null, embeddings: null })).toEqual(['chat', 'responses', 'embeddings', 'batch']);
    expect(tests({ batch: {}, chat: { duration_seconds: 2 } })).toEqual(['chat', 'responses', 'embeddings', 'batch']);
    expect(splitAllTestsBody({ chat: { user_count: 2 } })[0]).toEqual({ test: 'chat', body: { user_count: 2 }, loc: ['body', 'chat'] });
    expect(splitAllTestsBody({ chat: { user_count: 2 } })[1]).toEqual({ test: 'responses', body: undefined, loc: ['body', 'responses'] });
  });
  it('rejects unknown tests and non-objects', () => {
    expect(() => splitAllTestsBody({ images: {} })).toThrow(ValidationError);
    expect(() => splitAllTestsBody('chat')).toThrow(ValidationError);
  });
});
