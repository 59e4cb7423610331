// The chart's scale-out (`workers: N > 1`): what `helm template` renders with the real helm
// binary, `helm lint --strict`, the schema, and the rendered containers run as local processes
// (a coordinator and JOB_COMPLETION_INDEX=0..3 workers, the Service name mapped to 127.0.0.1):
// one run, one merged report, exit 0.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helmLint, helmTemplate, runHelm, CHART_DIR, valuesArgs, type K8sObject, type Rendered } from '../helpers/helm.js';
import { ROOT } from '../workers/cli-process.js';

const jobs = (r: Rendered) => ({
  coordinator: r.all('Job').find((j) => j.metadata.labels['app.kubernetes.io/component'] === 'coordinator')!,
  workers: r.all('Job').find((j) => j.metadata.labels['app.kubernetes.io/component'] === 'worker')!,
});
const containerOf = (job: K8sObject) => job.spec.template.spec.containers[0] as K8sObject;
const envOf = (c: K8sObject) => new Map((c.env as K8sObject[]).map((e) => [e.name as string, e]));

describe('helm template --set workers=4', () => {
  const r = helmTemplate(undefined, ['--set', 'workers=4']);
  const { coordinator, workers } = jobs(r);

  it('renders an Indexed worker Job (completions 4, parallelism 4, no retries per index), a coordinator Job and its Service', () => {
    expect(r.all('Job')).toHaveLength(2);
    expect(workers.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimitPerIndex: 0 });
    expect(workers.spec.backoffLimit).toBeUndefined();
    expect(workers.spec.template.spec.restartPolicy).toBe('Never');
    expect(coordinator.spec).toMatchObject({ backoffLimit: 0 });
    const args = containerOf(coordinator).args as string[];
    expect(args.slice(0, 3)).toEqual(['coordinator', '--expect-workers', '4']);
    expect(args).toEqual(expect.arrayContaining(['--port', '5557', '--bind', '0.0.0.0', '--mock-port', '5558', '--ready-timeout', '5m', '--json', '/results/report.json']));
    const svc = r.find('Service', '-coordinator')!;
    expect(svc.spec.ports.map((p: K8sObject) => [p.name, p.port, p.targetPort])).toEqual([['coordinator', 5557, 'coordinator'], ['mock', 5558, 'mock']]);
    expect(containerOf(coordinator).ports.map((p: K8sObject) => [p.name, p.containerPort])).toEqual([['coordinator', 5557], ['mock', 5558]]);
  });

  it('the Service selects the coordinator pod and not the workers', () => {
    const selector = r.find('Service', '-coordinator')!.spec.selector as Record<string, string>;
    const matches = (labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches(coordinator.spec.template.metadata.labels)).toBe(true);
    expect(matches(workers.spec.template.metadata.labels)).toBe(false);
  });

  it('each worker reaches the coordinator by its Service name, with the channel token from the chart’s Secret', () => {
    const c = containerOf(workers);
    const svc = r.find('Service', '-coordinator')!;
    expect(c.args).toEqual(['worker', '--coordinator', `http://${svc.metadata.name}:5557`]);
    const secret = r.all('Secret')[0]!;
    const token = Buffer.from(secret.data['worker-token'], 'base64').toString();
    expect(token).toMatch(/^[A-Za-z0-9]{48}$/);
    for (const container of [c, containerOf(coordinator)]) {
      expect(envOf(container).get('BATCH_LOAD_TOKEN')!.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'worker-token' });
    }
    // JOB_COMPLETION_INDEX comes from Kubernetes itself; the token is never a plain value or an argument
    expect(JSON.stringify([c.args, containerOf(coordinator).args])).not.toContain(token);
  });

  it('workers 1 (the default) renders today’s single Job: no coordinator, no Service, no worker token', () => {
    const one = helmTemplate();
    expect(one.all('Job')).toHaveLength(1);
    expect((containerOf(one.all('Job')[0]!).args as string[])[0]).toBe('run');
    expect(one.all('Service')).toHaveLength(0);
    expect(one.all('Secret')).toHaveLength(0);
  });

  it('existingSecret: no Secret rendered, the token read from it (key worker-token, not optional)', () => {
    const e = helmTemplate({ workers: 3, auth: { existingSecret: 'load-creds' } });
    expect(e.all('Secret')).toHaveLength(0);
    const ref = envOf(containerOf(jobs(e).workers)).get('BATCH_LOAD_TOKEN')!.valueFrom.secretKeyRef;
    expect(ref).toEqual({ name: 'load-creds', key: 'worker-token' });
  });

  it('spreadOverNodes: one worker per node as far as they go; a run.host or the in-cluster mock: no mock port on the Service', () => {
    const s = helmTemplate({ workers: 2, scaleOut: { spreadOverNodes: true }, run: { host: 'http://gateway:4000' } });
    const spread = jobs(s).workers.spec.template.spec.topologySpreadConstraints[0];
    expect(spread).toMatchObject({ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' });
    expect(spread.labelSelector.matchLabels['app.kubernetes.io/component']).toBe('worker');
    expect(s.find('Service', '-coordinator')!.spec.ports).toHaveLength(1);
    const m = helmTemplate({ workers: 2, mock: { enabled: true } });
    expect(m.find('Service', '-coordinator')!.spec.ports).toHaveLength(1);
    expect(containerOf(jobs(m).coordinator).args).toEqual(expect.arrayContaining(['--host', 'http://bl-batch-load-mock:8080']));
  });

  it('custom test data is mounted in the workers too (each checks it is the coordinator’s); the deadline adds the ready timeout', () => {
    const d = helmTemplate({ workers: 2, testData: { inline: '{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}\n' }, run: { runTime: '60s' } });
    const w = jobs(d).workers.spec.template.spec;
    expect(w.containers[0].volumeMounts.map((m: K8sObject) => m.mountPath)).toContain('/test-data');
    expect(jobs(d).coordinator.spec.activeDeadlineSeconds).toBe(60 + 30 + 300 + 300);
    expect(jobs(d).workers.spec.activeDeadlineSeconds).toBe(60 + 30 + 300 + 300);
  });

  it('before Kubernetes 1.29 (no backoffLimitPerIndex): backoffLimit 0', () => {
    const old = helmTemplate({ workers: 2 }, ['--kube-version', '1.28.0']);
    expect(jobs(old).workers.spec.backoffLimit).toBe(0);
    expect(jobs(old).workers.spec.backoffLimitPerIndex).toBeUndefined();
  });

  it('NOTES.txt says how to follow the run and where the merged verdict is', () => {
    const res = runHelm(['install', 'bl', CHART_DIR, '--dry-run=client', '--namespace', 'load', ...valuesArgs({ workers: 4 })]);
    const notes = res.stdout.slice(res.stdout.indexOf('NOTES:'));
    expect(notes).toMatch(/workers: 4 pods of Job load\/bl-batch-load-workers-1 \(Indexed\)/);
    expect(notes).toMatch(/Job bl-batch-load-1 holds the one verdict and writes the one report/);
    expect(notes).toMatch(/kubectl -n load logs -f job\/bl-batch-load-1/);
    expect(notes).toMatch(/logs -l batch\.kubernetes\.io\/job-name=bl-batch-load-workers-1 --prefix/);
    expect(notes).toMatch(/6 = a worker pod was lost mid-run/);
  });
});

describe('helm lint --strict and the schema', () => {
  it('lint is clean with workers 4 and every scale-out option', () => {
    const res = helmLint({ workers: 4, scaleOut: { spreadOverNodes: true, workerResources: { requests: { cpu: '1' } }, service: { annotations: { a: 'b' } }, readyTimeout: '90s' }, auth: { workerToken: 'a-given-token-0123456789' } });
    expect(res.stderr + res.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(res.status).toBe(0);
  });

  it.each([
    [{ workers: 0 }, /\/workers.*minimum/],
    [{ workers: 2.5 }, /\/workers/],
    [{ workers: '4' }, /\/workers/],
    [{ scaleOut: { port: 0 } }, /\/scaleOut\/port/],
    [{ scaleOut: { readyTimeout: 'soon' } }, /\/scaleOut\/readyTimeout/],
    [{ scaleOut: { replicas: 3 } }, /additional properties 'replicas' not allowed|replicas/],
  ])('rejects %j', (values, message) => {
    const res = helmLint(values as Record<string, unknown>);
    expect(res.status).not.toBe(0);
    expect(res.stderr + res.stdout).toMatch(message);
  });
});

/** A free loopback port (listen on 0, close). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('the rendered pods, run as local processes', () => {
  it('a coordinator and JOB_COMPLETION_INDEX=0..3 workers (Service name → 127.0.0.1): exit 0, one merged report in /results', async () => {
    const [port, mockPort] = [await freePort(), await freePort()];
    const r = helmTemplate({
      workers: 4,
      scaleOut: { port, mockPort, readyTimeout: '60s' },
      run: { scenario: 'chat:1,batch:1', users: 4, spawnRate: 4, runTime: '3s', waitMin: '50ms', waitMax: '100ms', pollInterval: '100ms', progressInterval: '500ms' },
    });
    const { coordinator, workers } = jobs(r);
    const service = r.find('Service', '-coordinator')!.metadata.name as string;
    const pod = mkdtempSync(join(tmpdir(), 'bl-pods-'));
    mkdirSync(join(pod, 'results'));
    const secretEnv = (c: K8sObject) => {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', CI: '1' };
      for (const e of c.env as K8sObject[]) {
        if (e.value !== undefined) env[e.name] = e.name === 'HOME' ? pod : (e.value as string);
        else {
          const ref = e.valueFrom.secretKeyRef as { name: string; key: string };
          const secret = r.all('Secret').find((s) => s.metadata.name === ref.name)!;
          env[e.name] = Buffer.from(secret.data[ref.key] as string, 'base64').toString();
        }
      }
      return env;
    };
    // the pod's view: /results is the pod's directory, the Service name is this host, 0.0.0.0 is loopback here
    const map = (a: string) => a.replace(/^\/results\//, `${pod}/results/`).replace(`//${service}:`, '//127.0.0.1:').replace(/^0\.0\.0\.0$/, '127.0.0.1');
    const run = (args: string[], env: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', ...args.map(map)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
      return new Promise<{ code: number | null; out: string }>((resolve) => child.on('exit', (code) => (clearTimeout(killer), resolve({ code, out }))));
    };
    const c = containerOf(coordinator);
    const w = containerOf(workers);
    const coordinatorRun = run(c.args as string[], secretEnv(c));
    const workerRuns = [0, 1, 2, 3].map((i) => run(w.args as string[], { ...secretEnv(w), JOB_COMPLETION_INDEX: String(i) }));
    const [co, ...ws] = await Promise.all([coordinatorRun, ...workerRuns]);
    expect(co.code, co.out).toBe(0);
    for (const [i, x] of ws.entries()) {
      expect(x.code, x.out).toBe(0);
      expect(x.out).toContain(`as worker ${i} of 4`);
    }
    const report = JSON.parse(readFileSync(join(pod, 'results/report.json'), 'utf8')) as { exitCode: number; workers: Array<{ index: number; users: number; requests: number }>; metrics: { aggregated: { count: number } } };
    expect(report.exitCode).toBe(0);
    expect(report.workers.map((x) => [x.index, x.users])).toEqual([[0, 1], [1, 1], [2, 1], [3, 1]]);
    expect(report.workers.every((x) => x.requests > 0)).toBe(true);
    expect(report.metrics.aggregated.count).toBe(report.workers.reduce((n, x) => n + x.requests, 0) + 1);
  }, 120_000);
});
