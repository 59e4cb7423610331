import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { apiBaseFor } from '../../src/config/target.js';
import { PRESETS } from '../../src/config/presets.js';

describe('resolveRunConfig', () => {
  it('applies defaults and targets the embedded mock without a host', () => {
    const c = resolveRunConfig({});
    expect(c.target.embedded).toBe(true);
    expect(c.target.basePath).toBe('/v1');
    expect(c.users).toBe(1);
    expect(c.waitMinMs).toBe(1000);
    expect(c.waitMaxMs).toBe(3000);
    expect(c.poll).toMatchObject({ initialMs: 2000, factor: 1.5, maxIntervalMs: 30_000, maxPolls: 60, jitter: true });
    expect(c.dataPath).toBe('small');
    expect(c.thresholds.map((t) => t.metric)).toEqual(['http_req_duration', 'errors', 'scenario_errors', 'integrity', 'workflows_failed']);
    expect(resolveRunConfig({ scenario: 'chat' }).thresholds.map((t) => t.metric)).toEqual(['http_req_duration', 'errors', 'scenario_errors']);
  });

  it.each(Object.entries(PRESETS))('preset %s sets users, spawn rate, run time and data', (name, p) => {
    const c = resolveRunConfig({ preset: name });
    expect(c.users).toBe(p.users);
    expect(c.spawnRate).toBe(p.spawnRate);
    expect(c.dataPath).toBe(p.data);
  });

  it('explicit flags beat the preset, env vars with their own names fill the rest', () => {
    const c = resolveRunConfig(
      { preset: 'stress', users: '3', runTime: '5s' },
      { env: { TEST_DATA_FILE: '/tmp/x.jsonl', P95_THRESHOLD_MS: '250', ERROR_RATE_THRESHOLD: '0.05', API_KEY: 'sk-env', BASIC_AUTH_USERNAME: 'root' } },
    );
    expect(c.users).toBe(3);
    expect(c.spawnRate).toBe(50);
    expect(c.runTimeMs).toBe(5000);
    expect(c.dataPath).toBe('/tmp/x.jsonl');
    expect(c.p95ThresholdMs).toBe(250);
    expect(c.errorRateThreshold).toBe(0.05);
    expect(c.auth.apiKey).toBe('sk-env');
    expect(c.auth.basicAuthUsername).toBe('root');
    expect(c.thresholds[0].value).toBe(250);
  });

  it('a flag beats its env var', () => {
    const c = resolveRunConfig({ data: 'medium', apiKey: 'sk-flag' }, { env: { TEST_DATA_FILE: '/tmp/x.jsonl', API_KEY: 'sk-env' } });
    expect(c.dataPath).toBe('medium');
    expect(c.auth.apiKey).toBe('sk-flag');
  });

  it('LOCUST_API_KEY and LOCUST_HOST work as the orchestrator users expect', () => {
    const c = resolveRunConfig({}, { env: { LOCUST_API_KEY: 'sk-locust', LOCUST_HOST: 'http://127.0.0.1:9' } });
    expect(c.auth.apiKey).toBe('sk-locust');
    expect(c.target.host).toBe('http://127.0.0.1:9');
    expect(c.target.embedded).toBe(false);
  });

  it('honours a path already on a host instead of adding /v1 again', () => {
    const base = (raw: Record<string, string>, host?: string) => {
      const { target } = resolveRunConfig(raw);
      return apiBaseFor(target, host ?? target.host);
    };
    expect(base({ host: 'http://127.0.0.1:3001/ai/v1/' })).toBe('http://127.0.0.1:3001/ai/v1');
    expect(base({ host: 'http://127.0.0.1:3001' })).toBe('http://127.0.0.1:3001/v1');
    expect(base({ host: 'http://127.0.0.1:3001', basePath: '/ai/v1' })).toBe('http://127.0.0.1:3001/ai/v1');
    expect(base({ host: 'http://127.0.0.1:3001/ai/v1', basePath: '/ai/v1' })).toBe('http://127.0.0.1:3001/ai/v1');
    expect(base({ host: 'http://127.0.0.1:3001/proxy', basePath: '/v1' })).toBe('http://127.0.0.1:3001/proxy/v1');
    // per-scenario and baseline hosts follow the same rule
    expect(base({ host: 'http://a:1', chatHost: 'http://b:2/ai/v1' }, 'http://b:2/ai/v1')).toBe('http://b:2/ai/v1');
  });

  it('a global host (flag or LOCUST_HOST) beats LOCUST_<TEST>_HOST, a --chat-host flag beats both', () => {
    const env = { LOCUST_HOST: 'http://g:1', LOCUST_CHAT_HOST: 'http://c:2' };
    expect(resolveRunConfig({}, { env }).target).toMatchObject({ host: 'http://g:1', scenarioHosts: {} });
    expect(resolveRunConfig({ host: 'http://f:3' }, { env: { LOCUST_CHAT_HOST: 'http://c:2' } }).target.scenarioHosts).toEqual({});
    expect(resolveRunConfig({}, { env: { LOCUST_CHAT_HOST: 'http://c:2' } }).target.scenarioHosts).toEqual({ chat: 'http://c:2' });
    expect(resolveRunConfig({ chatHost: 'http://x:4' }, { env }).target.scenarioHosts).toEqual({ chat: 'http://x:4' });
  });

  it('parses scenario mixes', () => {
    const c = resolveRunConfig({ scenario: 'chat:3,responses:1,embeddings:1,batch:1' });
    expect(c.scenarios).toEqual([
      { name: 'chat', weight: 3 },
      { name: 'responses', weight: 1 },
      { name: 'embeddings', weight: 1 },
      { name: 'batch', weight: 1 },
    ]);
    expect(resolveRunConfig({ scenario: 'chat' }).dataPath).toBeUndefined();
  });

  it.each([
    [{ runTime: 'soon' }, /^--run-time: expected a duration/],
    [{ host: 'not a url' }, /^--host: 'not a url' is not a URL/],
    [{ host: 'ftp://x' }, /^--host: 'ftp:\/\/x' must start with http/],
    [{ threshold: ['errors rate<0.01'] }, /^--threshold: /],
    [{ threshold: ['nosuchmetric: p(95)<100'] }, /^--threshold: unknown metric 'nosuchmetric'/],
    [{ progressInterval: '0' }, /^--progress-interval: must be ≥ 100ms/],
    [{ users: '-1' }, /^--users: must be ≥ 1/],
    [{ users: 'ten' }, /^--users: expected a whole number, got 'ten'/],
    [{ scenario: 'video' }, /^--scenario: unknown scenario 'video'/],
    [{ verify: 'both' }, /^--verify: expected one of random, metadata, content, got 'both'/],
    [{ preset: 'huge' }, /^--preset: expected one of smoke, medium, stress, soak, got 'huge'/],
    [{ users: '0x10' }, /^--users: expected a whole number, got '0x10'/],
    [{ rate: 'Infinity' }, /^--rate: expected a decimal number/],
    [{ runTime: '99999999h' }, /^--run-time: must be at most 24d/],
    [{ stopTimeout: '30d' }, /^--stop-timeout: must be at most 24d/],
    [{ requestTimeout: '-1s' }, /^--request-timeout: must not be negative/],
    [{ scenario: 'chat:1e308,responses:1e308' }, /^--scenario: /],
    [{ apiKeyEndpoint: 'ftp://x' }, /^--api-key-endpoint: 'ftp:\/\/x' must start with http/],
    [{ apiKey: 'KEY\nX' }, /^--api-key: the API key contains a character not allowed in an HTTP header/],
    [{ apiKey: 'KEY🔑' }, /^--api-key: the API key contains a character not allowed/],
    [{ basicAuthUsername: 'a\rb' }, /^--basic-auth-username: /],
    [{ overheadHeader: 'bad header' }, /^--overhead-header: 'bad header' is not an HTTP header name/],
    [{ waitMin: '3s', waitMax: '1s' }, /^--wait-max: must be ≥ --wait-min/],
    [{ errorRateThreshold: '2' }, /^--error-rate-threshold: must be ≤ 1, got '2'/],
  ])('rejects %j with one line naming the problem', (raw, message) => {
    // (the key's own text never appears in a message: no secret in errors)
    let error: unknown;
    try {
      resolveRunConfig(raw as Record<string, unknown>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('names the env var a bad value came from', () => {
    expect(() => resolveRunConfig({}, { env: { ERROR_RATE_THRESHOLD: '2' } })).toThrow(/^ERROR_RATE_THRESHOLD: must be ≤ 1, got '2'/);
    expect(() => resolveRunConfig({ stream: 'maybe' }, { labels: { stream: 'BATCH_LOAD_STREAM' } })).toThrow(
      /^BATCH_LOAD_STREAM: expected true or false/,
    );
  });

  it('a duration given as a JSON number is seconds, like a bare number in text', () => {
    expect(resolveRunConfig({ runTime: 20, waitMin: '0.5', waitMax: 2 }).runTimeMs).toBe(20_000);
    expect(resolveRunConfig({ waitMin: '0.5', waitMax: 2 }).waitMinMs).toBe(500);
  });
});
