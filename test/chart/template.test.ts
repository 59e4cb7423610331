// `helm template` with the real helm binary; the rendered YAML is parsed and asserted.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, helmTemplate, runHelm, valuesArgs, type K8sObject, type Rendered } from '../helpers/helm.js';
import { chartOptions } from '../../src/options/chart.js';
import { flagOf, type OptionSpec } from '../../src/options/spec.js';

/** A valid sample value of a chart-rendered option, from its registry entry. */
function sampleValue(spec: OptionSpec): string | number {
  switch (spec.type) {
    case 'enum':
      return spec.choices![spec.choices!.length - 1]!;
    case 'integer':
      return Math.min(spec.max ?? Infinity, (spec.min ?? 0) + 6);
    case 'number':
      return (spec.max ?? Infinity) <= 1 ? 0.5 : 2.5;
    case 'duration':
      return '45s';
    default:
      if (spec.pattern?.startsWith('^https?')) return `http://${spec.key.toLowerCase()}.svc:4000`;
      if (spec.key === 'basePath') return '/ai/v1';
      if (spec.key === 'scenario') return 'chat:3,batch:1';
      if (spec.key === 'stages') return '30s:10,1m:0';
      if (spec.key === 'slo') return 'ttft<=500ms';
      return `sample-${spec.key}`;
  }
}

const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: string };
const defaultValues = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
  run: Record<string, unknown>;
};

const SECRET_ENV = ['API_KEY', 'BASIC_AUTH_USERNAME', 'BASIC_AUTH_PASSWORD'];

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function job(r: Rendered): K8sObject {
  const jobs = r.all('Job');
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}
function podSpec(r: Rendered): K8sObject {
  return job(r).spec.template.spec;
}
function container(r: Rendered): K8sObject {
  const containers = podSpec(r).containers as K8sObject[];
  expect(containers).toHaveLength(1);
  return containers[0]!;
}
function args(r: Rendered): string[] {
  return container(r).args as string[];
}
/** Value after the last occurrence of a flag (undefined when absent). */
function flag(a: string[], name: string): string | undefined {
  const i = a.lastIndexOf(name);
  return i < 0 ? undefined : a[i + 1];
}
function flagAll(a: string[], name: string): string[] {
  return a.flatMap((v, i) => (v === name ? [a[i + 1]!] : []));
}
function env(r: Rendered): Map<string, K8sObject> {
  return new Map((container(r).env as K8sObject[]).map((e) => [e.name as string, e]));
}
function mounts(c: K8sObject): Map<string, K8sObject> {
  return new Map((c.volumeMounts as K8sObject[]).map((m) => [m.mountPath as string, m]));
}
function volume(r: Rendered, name: string): K8sObject | undefined {
  return (podSpec(r).volumes as K8sObject[]).find((v) => v.name === name);
}
function expectStringArgs(r: Rendered): void {
  for (const c of [...(podSpec(r).containers as K8sObject[]), ...((podSpec(r).initContainers as K8sObject[]) ?? [])]) {
    for (const a of (c.args as unknown[]) ?? []) expect(typeof a).toBe('string');
    for (const e of (c.env as K8sObject[]) ?? []) if ('value' in e) expect(typeof e.value).toBe('string');
  }
}

describe('defaults', () => {
  const r = helmTemplate();

  it('renders only the Job: no Secret, no ConfigMap, no mock, no PVC', () => {
    expect(r.objects.map((o) => o.kind)).toEqual(['Job']);
  });

  it('is a one-shot Job: backoffLimit 0, ttl, restartPolicy Never, derived deadline', () => {
    const j = job(r);
    expect(j.apiVersion).toBe('batch/v1');
    expect(j.metadata.name).toBe('bl-batch-load-1');
    expect(j.metadata.namespace).toBe('load');
    expect(j.spec.backoffLimit).toBe(0);
    expect(j.spec.ttlSecondsAfterFinished).toBe(3600);
    expect(j.spec.template.spec.restartPolicy).toBe('Never');
    // smoke 120 s + default stop timeout 30 s + margin 300 s
    expect(j.spec.activeDeadlineSeconds).toBe(450);
  });

  it('runs the smoke preset against the embedded mock and writes the JSON report to /results', () => {
    const a = args(r);
    expect(a.slice(0, 3)).toEqual(['run', '--preset', 'smoke']);
    expect(a).not.toContain('--host');
    expect(a).not.toContain('--users');
    expect(a).not.toContain('--data');
    expect(flag(a, '--json')).toBe('/results/report.json');
    expect(container(r).command).toBeUndefined(); // the image ENTRYPOINT is batch-load
    expectStringArgs(r);
  });

  it('uses the image tag from appVersion', () => {
    expect(container(r).image).toBe(`batch-load:${chart.appVersion}`);
    expect(helmTemplate({ image: { repository: 'ghcr.io/acme/batch-load', tag: '9.9.9' } }).objects[0]!.spec.template.spec.containers[0].image).toBe(
      'ghcr.io/acme/batch-load:9.9.9',
    );
  });

  it('has no credentials env and no secret refs', () => {
    const e = env(r);
    for (const name of SECRET_ENV) expect(e.has(name)).toBe(false);
  });

  it('mounts /results and /tmp as writable emptyDirs for the read-only root filesystem', () => {
    const m = mounts(container(r));
    expect(m.get('/results')?.name).toBe('results');
    expect(m.get('/tmp')?.name).toBe('tmp');
    expect(m.get('/results')?.readOnly).toBeFalsy();
    expect(volume(r, 'results')?.emptyDir).toEqual({ sizeLimit: '256Mi' });
    expect(volume(r, 'tmp')?.emptyDir).toEqual({});
    expect(env(r).get('HOME')?.value).toBe('/tmp');
  });

  it('has hardened pod and container security contexts and no service-account token', () => {
    const pod = podSpec(r);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container(r).securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container(r).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  });
});

describe('presets', () => {
  const presetDeadline = { smoke: 120, medium: 300, stress: 600, soak: 1800 } as const;
  for (const preset of ['smoke', 'medium', 'stress', 'soak'] as const) {
    it(`${preset}: passes --preset and leaves users/rate/time/data to it; deadline from the preset`, () => {
      const r = helmTemplate({ preset });
      const a = args(r);
      expect(flag(a, '--preset')).toBe(preset);
      for (const f of ['--users', '--spawn-rate', '--run-time', '--data']) expect(a).not.toContain(f);
      expect(job(r).spec.activeDeadlineSeconds).toBe(presetDeadline[preset] + 30 + 300);
    });

    it(`${preset}: run options and builtin data override the preset`, () => {
      const r = helmTemplate({
        preset,
        run: { users: 42, spawnRate: 2.5, runTime: '3m', p95ThresholdMs: 750, errorRateThreshold: 0.05 },
        testData: { builtin: 'large' },
      });
      const a = args(r);
      expect(flag(a, '--preset')).toBe(preset);
      expect(flag(a, '--users')).toBe('42');
      expect(flag(a, '--spawn-rate')).toBe('2.5');
      expect(flag(a, '--run-time')).toBe('3m');
      expect(flag(a, '--data')).toBe('large');
      const e = env(r);
      expect(e.get('P95_THRESHOLD_MS')?.value).toBe('750');
      expect(e.get('ERROR_RATE_THRESHOLD')?.value).toBe('0.05');
      expect(job(r).spec.activeDeadlineSeconds).toBe(180 + 30 + 300);
      expectStringArgs(r);
    });
  }

  it('stages set the run time, and so the deadline: their durations added', () => {
    const r = helmTemplate({ run: { stages: '30s:10,2m:100, 1m30s:0', rate: 5 } });
    expect(flag(args(r), '--stages')).toBe('30s:10,2m:100, 1m30s:0');
    expect(job(r).spec.activeDeadlineSeconds).toBe(30 + 120 + 90 + 30 + 300);
  });

  it('a sweep needs an explicit deadline (its length depends on what it finds)', () => {
    expect(() => helmTemplate({ run: { sweep: 10, scenario: 'chat' } })).toThrow(/set job.activeDeadlineSeconds/);
    const r = helmTemplate({ run: { sweep: 10, scenario: 'chat', stepTime: '20s' }, job: { activeDeadlineSeconds: 3600 } });
    expect(flag(args(r), '--sweep')).toBe('10');
    expect(job(r).spec.activeDeadlineSeconds).toBe(3600);
  });
});

describe('every run option is settable', () => {
  // values.yaml key -> expected flag and a sample value, for every option the registry gives the chart
  const special = ['thresholds', 'p95ThresholdMs', 'errorRateThreshold', 'extraArgs'];
  const table: Record<string, [string, unknown, string]> = {};
  const booleans: Record<string, string> = {};
  for (const spec of chartOptions()) {
    const flagName = `--${flagOf(spec)}`;
    if (spec.type === 'boolean') booleans[spec.key] = flagOf(spec);
    else if (spec.type !== 'list' && !special.includes(spec.key)) {
      const sample = sampleValue(spec);
      table[spec.key] = [flagName, sample, String(sample)];
    }
  }

  it('the tables cover every key of run in values.yaml', () => {
    expect(Object.keys(defaultValues.run).sort()).toEqual([...Object.keys(table), ...Object.keys(booleans), ...special].sort());
  });

  it('renders each value as its flag, thresholds repeated, extra args last', () => {
    const run: Record<string, unknown> = Object.fromEntries(Object.entries(table).map(([k, [, v]]) => [k, v]));
    Object.assign(run, { pollJitter: false, onlySummary: true, defaultThresholds: false });
    run.thresholds = ['POST /v1/files [upload]: p(99)<800', 'errors: rate<0.02'];
    run.extraArgs = ['--api-key-header', 'X-Key'];
    // a sweep needs an explicit deadline
    const r = helmTemplate({ run, job: { activeDeadlineSeconds: 600 } });
    const a = args(r);
    for (const [key, [f, , expected]] of Object.entries(table)) expect(flag(a, f), key).toBe(expected);
    expect(a).toContain('--no-poll-jitter');
    expect(a).toContain('--only-summary');
    expect(a).toContain('--no-default-thresholds');
    // one --threshold (an array flag) followed by every expression
    expect(flagAll(a, '--threshold')).toHaveLength(1);
    const t = a.indexOf('--threshold');
    expect(a.slice(t + 1, t + 3)).toEqual(['POST /v1/files [upload]: p(99)<800', 'errors: rate<0.02']);
    expect(a[t + 3]).toMatch(/^--/);
    expect(a.slice(-2)).toEqual(['--api-key-header', 'X-Key']);
    expectStringArgs(r);
  });

  it('true booleans render the positive flag; null renders none', () => {
    const a = args(helmTemplate({ run: { pollJitter: true } }));
    expect(a).toContain('--poll-jitter');
    expect(a.some((x) => x.includes('only-summary') || x.includes('default-thresholds'))).toBe(false);
  });
});

describe('activeDeadlineSeconds', () => {
  it('is derived from run time + stop timeout + margin, with the tester’s duration grammar', () => {
    const d = (run: Record<string, unknown>, job: Record<string, unknown> = {}) =>
      helmTemplate({ run, job }).objects[0]!.spec.activeDeadlineSeconds as number;
    expect(d({ runTime: '1h30m', stopTimeout: '90s' })).toBe(5400 + 90 + 300);
    expect(d({ runTime: 90 })).toBe(90 + 30 + 300);
    expect(d({ runTime: '90' })).toBe(90 + 30 + 300);
    expect(d({ runTime: '1m30s', stopTimeout: 0 })).toBe(90 + 0 + 300);
    expect(d({ runTime: '1.5m', stopTimeout: '500ms' })).toBe(90 + 1 + 300);
    expect(d({ runTime: '1d' })).toBe(86400 + 30 + 300);
    expect(d({ runTime: '2m' }, { deadlineMarginSeconds: 60 })).toBe(120 + 30 + 60);
    expect(d({ runTime: '2m' }, { activeDeadlineSeconds: 999 })).toBe(999);
  });
});

describe('mock.enabled', () => {
  const r = helmTemplate({ mock: { enabled: true } });
  const deploy = () => r.find('Deployment')!;
  const svc = () => r.find('Service')!;

  it('renders a Deployment and a Service for `batch-load mock`', () => {
    expect(deploy().metadata.name).toBe('bl-batch-load-mock');
    expect(svc().metadata.name).toBe('bl-batch-load-mock');
    const c = deploy().spec.template.spec.containers[0];
    expect(c.image).toBe(`batch-load:${chart.appVersion}`);
    expect(c.args).toEqual(['mock', '--port', '8080', '--bind', '0.0.0.0']);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(mounts(c).get('/tmp')?.name).toBe('tmp');
  });

  it('the Service selects the mock pods (and not the tester pod)', () => {
    const podLabels = deploy().spec.template.metadata.labels as Record<string, string>;
    const selector = svc().spec.selector as Record<string, string>;
    expect(deploy().spec.selector.matchLabels).toEqual(selector);
    for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    const jobLabels = job(r).spec.template.metadata.labels as Record<string, string>;
    expect(Object.entries(selector).every(([k, v]) => jobLabels[k] === v)).toBe(false);
    expect(svc().spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('the Job targets the Service and waits for its /health first', () => {
    expect(flag(args(r), '--host')).toBe('http://bl-batch-load-mock:8080');
    const init = podSpec(r).initContainers as K8sObject[];
    expect(init).toHaveLength(1);
    expect(init[0]!.command).toEqual(['node', '-e']);
    expect(init[0]!.args.slice(1)).toEqual(['http://bl-batch-load-mock:8080/health', '120']);
    expect(init[0]!.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expectStringArgs(r);
  });

  it('the wait script in the init container is valid JavaScript', () => {
    const script = (podSpec(r).initContainers as K8sObject[])[0]!.args[0] as string;
    expect(() => new Function(`return async () => {${script}}`)).not.toThrow();
  });

  it('the wait script exits 0 once /health answers and 1 when it never does', async () => {
    const [script, url, seconds] = (podSpec(r).initContainers as K8sObject[])[0]!.args as string[];
    expect(url).toMatch(/\/health$/);
    expect(seconds).toBe('120');
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      // first probe fails like a mock that is still starting, then healthy
      res.statusCode = req.url === '/health' && hits > 1 ? 200 : 503;
      res.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as AddressInfo).port;
    try {
      const ready = await runNode(['-e', script!, `http://127.0.0.1:${port}/health`, '20']);
      expect(ready.code, ready.stderr).toBe(0);
      expect(ready.stdout).toContain('ready');
      expect(hits).toBeGreaterThanOrEqual(2);
    } finally {
      server.close();
    }
    const never = await runNode(['-e', script!, `http://127.0.0.1:${port}/health`, '1']);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain('not ready after 1s');
  });

  it('an explicit run.host wins over the mock and skips the wait', () => {
    const r2 = helmTemplate({ mock: { enabled: true }, run: { host: 'http://real:3001' } });
    expect(flag(args(r2), '--host')).toBe('http://real:3001');
    expect(podSpec(r2).initContainers).toBeUndefined();
  });

  it('honours a custom port and image', () => {
    const r2 = helmTemplate({ mock: { enabled: true, port: 9000, service: { port: 80 }, image: { repository: 'mock', tag: '1' }, args: ['--latency', '5ms'] } });
    const c = r2.find('Deployment')!.spec.template.spec.containers[0];
    expect(c.image).toBe('mock:1');
    expect(c.args).toEqual(['mock', '--port', '9000', '--bind', '0.0.0.0', '--latency', '5ms']);
    expect(flag(args(r2), '--host')).toBe('http://bl-batch-load-mock:80');
  });
});

describe('credentials', () => {
  it('creates a Secret and passes it only through secretKeyRef env', () => {
    const r = helmTemplate({ auth: { apiKey: 'sk-live-123', basicAuthUsername: 'root', basicAuthPassword: 'hunter2', apiKeyEndpoint: '/ai/admin/api-keys' } });
    const secret = r.find('Secret')!;
    expect(secret.metadata.name).toBe('bl-batch-load');
    expect(secret.type).toBe('Opaque');
    const decoded = Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    expect(decoded).toEqual({ 'api-key': 'sk-live-123', 'basic-auth-username': 'root', 'basic-auth-password': 'hunter2' });
    const e = env(r);
    expect(e.get('API_KEY')!.valueFrom.secretKeyRef).toEqual({ name: 'bl-batch-load', key: 'api-key' });
    expect(e.get('BASIC_AUTH_USERNAME')!.valueFrom.secretKeyRef).toEqual({ name: 'bl-batch-load', key: 'basic-auth-username' });
    expect(e.get('BASIC_AUTH_PASSWORD')!.valueFrom.secretKeyRef).toEqual({ name: 'bl-batch-load', key: 'basic-auth-password' });
    for (const name of SECRET_ENV) expect(e.get(name)!.value).toBeUndefined();
    expect(e.get('API_KEY_ENDPOINT')?.value).toBe('/ai/admin/api-keys');
    // The plaintext appears nowhere in the Job (args, env, annotations).
    const jobText = JSON.stringify(job(r));
    for (const plain of ['sk-live-123', 'hunter2']) expect(jobText).not.toContain(plain);
    expect(r.stdout).not.toContain('hunter2');
  });

  it('only the keys that are set go into the Secret and env', () => {
    const r = helmTemplate({ auth: { apiKey: 'sk-only' } });
    expect(Object.keys(r.find('Secret')!.data)).toEqual(['api-key']);
    const e = env(r);
    expect(e.has('API_KEY')).toBe(true);
    expect(e.has('BASIC_AUTH_USERNAME')).toBe(false);
  });

  it('existingSecret: no Secret is rendered and the env refs name it (optional keys, custom key names)', () => {
    const r = helmTemplate({
      auth: { existingSecret: 'inference-creds', apiKey: 'ignored-plaintext', existingSecretKeys: { apiKey: 'token', basicAuthUsername: 'user', basicAuthPassword: 'pass' } },
    });
    expect(r.all('Secret')).toHaveLength(0);
    const e = env(r);
    expect(e.get('API_KEY')!.valueFrom.secretKeyRef).toEqual({ name: 'inference-creds', key: 'token', optional: true });
    expect(e.get('BASIC_AUTH_USERNAME')!.valueFrom.secretKeyRef).toEqual({ name: 'inference-creds', key: 'user', optional: true });
    expect(e.get('BASIC_AUTH_PASSWORD')!.valueFrom.secretKeyRef).toEqual({ name: 'inference-creds', key: 'pass', optional: true });
    expect(r.stdout).not.toContain('ignored-plaintext');
  });
});

describe('test data', () => {
  const jsonl = '{"custom_id":"r1","method":"POST","url":"/v1/chat/completions","body":{"model":"m","messages":[{"role":"user","content":"hi \\"there\\""}]}}\n{"custom_id":"r2"}\n';

  it('builtin: passes the name, mounts nothing extra', () => {
    const r = helmTemplate({ testData: { builtin: 'medium' } });
    expect(flag(args(r), '--data')).toBe('medium');
    expect(r.all('ConfigMap')).toHaveLength(0);
    expect(volume(r, 'test-data')).toBeUndefined();
  });

  it('inline: ConfigMap rendered, mounted read-only, selected with --data', () => {
    const r = helmTemplate({ testData: { inline: jsonl } });
    const cm = r.find('ConfigMap')!;
    expect(cm.metadata.name).toBe('bl-batch-load-testdata');
    expect(cm.data).toEqual({ 'inline.jsonl': jsonl });
    expect(volume(r, 'test-data')?.configMap).toEqual({ name: 'bl-batch-load-testdata' });
    const m = mounts(container(r)).get('/test-data')!;
    expect(m.name).toBe('test-data');
    expect(m.readOnly).toBe(true);
    expect(flag(args(r), '--data')).toBe('/test-data/inline.jsonl');
    expect(job(r).spec.template.metadata.annotations['checksum/testdata']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('files from --set-file: the only file is selected; a custom mount path is honoured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bl-chart-'));
    try {
      const file = join(dir, 'mine.jsonl');
      writeFileSync(file, jsonl);
      const r = helmTemplate({ testData: { mountPath: '/data' } }, ['--set-file', `testData.files.my-requests\\.jsonl=${file}`]);
      expect(r.find('ConfigMap')!.data).toEqual({ 'my-requests.jsonl': jsonl });
      expect(mounts(container(r)).get('/data')?.name).toBe('test-data');
      expect(flag(args(r), '--data')).toBe('/data/my-requests.jsonl');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('several files: select picks one; without select or with an unknown one it fails', () => {
    const files = { 'a.jsonl': '{"a":1}\n', 'b.jsonl': '{"b":1}\n' };
    const r = helmTemplate({ testData: { files, select: 'b.jsonl' } });
    expect(Object.keys(r.find('ConfigMap')!.data).sort()).toEqual(['a.jsonl', 'b.jsonl']);
    expect(flag(args(r), '--data')).toBe('/test-data/b.jsonl');
    expect(() => helmTemplate({ testData: { files } })).toThrow(/set testData.select/);
    expect(() => helmTemplate({ testData: { files, select: 'c.jsonl' } })).toThrow(/not one of the custom files/);
  });

  it('existingConfigMap: mounted and selected, no ConfigMap rendered; select is required', () => {
    const r = helmTemplate({ testData: { existingConfigMap: 'my-data', select: 'prod.jsonl' } });
    expect(r.all('ConfigMap')).toHaveLength(0);
    expect(volume(r, 'test-data')?.configMap).toEqual({ name: 'my-data' });
    expect(flag(args(r), '--data')).toBe('/test-data/prod.jsonl');
    expect(() => helmTemplate({ testData: { existingConfigMap: 'my-data' } })).toThrow(/needs testData.select/);
  });

  it('builtin combined with custom data fails instead of silently picking one', () => {
    expect(() => helmTemplate({ testData: { builtin: 'small', inline: jsonl } })).toThrow(/cannot be combined/);
  });
});

describe('results', () => {
  it('an existing PVC replaces the emptyDir; no PVC object is created', () => {
    const r = helmTemplate({ results: { existingClaim: 'reports', subPath: 'batch-load' } });
    expect(volume(r, 'results')).toEqual({ name: 'results', persistentVolumeClaim: { claimName: 'reports' } });
    expect(mounts(container(r)).get('/results')?.subPath).toBe('batch-load');
    expect(r.all('PersistentVolumeClaim')).toHaveLength(0);
  });

  it('the report name is templated; CSV goes to /results too; an empty name disables --json', () => {
    const r = helmTemplate({ results: { jsonFile: '{{ .Release.Name }}-{{ .Release.Revision }}.json', csvPrefix: 'run' } });
    expect(flag(args(r), '--json')).toBe('/results/bl-1.json');
    expect(flag(args(r), '--csv')).toBe('/results/run');
    expect(args(helmTemplate({ results: { jsonFile: '' } }))).not.toContain('--json');
  });
});

describe('scheduling, env and metadata', () => {
  it('passes resources, nodeSelector, tolerations, affinity, extra env, pull secrets and annotations through', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['load'] }] }] } } };
    const r = helmTemplate({
      resources: { limits: { cpu: '2', memory: '2Gi' } },
      nodeSelector: { pool: 'load' },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'load', effect: 'NoSchedule' }],
      affinity,
      extraEnv: [{ name: 'BATCH_LOAD_SEED', value: '7' }, { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }],
      imagePullSecrets: [{ name: 'regcred' }],
      podAnnotations: { 'sidecar.istio.io/inject': 'false' },
      job: { ttlSecondsAfterFinished: 60, labels: { team: 'perf' } },
      serviceAccount: { create: true },
    });
    const pod = podSpec(r);
    // helm merges maps with the defaults (set a key to null to drop it)
    expect(container(r).resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '2', memory: '2Gi' } });
    expect(container(helmTemplate({ resources: { requests: null } })).resources).toEqual({ limits: { memory: '1Gi' } });
    expect(pod.nodeSelector).toEqual({ pool: 'load' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'load', effect: 'NoSchedule' }]);
    expect(pod.affinity).toEqual(affinity);
    expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(env(r).get('BATCH_LOAD_SEED')?.value).toBe('7');
    expect(env(r).get('FROM_CM')?.valueFrom).toEqual({ configMapKeyRef: { name: 'c', key: 'k' } });
    expect(job(r).spec.template.metadata.annotations).toEqual({ 'sidecar.istio.io/inject': 'false' });
    expect(job(r).spec.ttlSecondsAfterFinished).toBe(60);
    expect(job(r).metadata.labels.team).toBe('perf');
    expect(r.find('ServiceAccount')!.metadata.name).toBe('bl-batch-load');
    expect(pod.serviceAccountName).toBe('bl-batch-load');
  });

  it('every upgrade revision renders a new Job name (the pod template of a Job is immutable)', () => {
    const r = helmTemplate(undefined, [], 'perf');
    expect(job(r).metadata.name).toBe('perf-batch-load-1');
  });
});

describe('NOTES.txt', () => {
  function notes(values?: Record<string, unknown>): string {
    const res = runHelm(['install', 'bl', CHART_DIR, '--namespace', 'load', '--dry-run=client', ...valuesArgs(values)]);
    expect(res.status, res.stderr).toBe(0);
    return res.stdout.slice(res.stdout.indexOf('NOTES:'));
  }

  it('explains the logs, the Job status and where the report is', () => {
    const n = notes();
    expect(n).toContain('kubectl -n load logs -f job/bl-batch-load-1 -c batch-load');
    expect(n).toContain('kubectl -n load get job bl-batch-load-1');
    expect(n).toContain('kubectl -n load wait --for=condition=complete --timeout=450s job/bl-batch-load-1');
    expect(n).toContain('/results/report.json');
    expect(n).toContain('results.existingClaim');
  });

  it('with a PVC it shows how to read the report from the claim; with the mock it names the Service', () => {
    const n = notes({ results: { existingClaim: 'reports' }, mock: { enabled: true } });
    expect(n).toContain('"claimName":"reports"');
    expect(n).toContain('"cat","/results/report.json"');
    expect(n).toContain('http://bl-batch-load-mock:8080');
  });
});
