// No Docker engine runs here, so this test checks what the image would run: it replays the
// Dockerfile's steps in a temporary directory and runs the result.
//
// Each stage gets a fake root filesystem (<tmp>/<stage>/); absolute paths in the Dockerfile map
// into it (/app -> <tmp>/runtime/app, /usr/local/bin -> <tmp>/runtime/usr/local/bin). COPY takes
// only the files .dockerignore lets into the build context; RUN steps run for real (npm ci, npm run
// build, ln, mkdir, chmod, rm) apart from chown, which needs root and changes no content.
// The host's npm cache and registry config are reused (environment, not image content).
// Last, the chart's rendered Job container is run on that image: its volumes become directories
// (ConfigMap keys as files), its secretKeyRef env is read from the rendered Secret, and it targets
// the image's own mock started with the mock Deployment's arguments.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { helmTemplate, type K8sObject } from '../helpers/helm.js';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dockerIgnore,
  parseCopy,
  parseDockerfile,
  parseEnv,
  parseExecForm,
  splitRun,
  type Stage,
} from './dockerfile.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dockerfileText = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const ignoreText = readFileSync(join(REPO, '.dockerignore'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const isIgnored = dockerIgnore(ignoreText);
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function stage(name: string): Stage {
  const s = dockerfile.stages.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name}`);
  return s;
}
const runtime = () => dockerfile.stages.at(-1)!;
const ops = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op).map((i) => i.args);

/** Files under a repo-relative path that the build context would contain. */
function contextFiles(rel: string): string[] {
  const abs = join(REPO, rel);
  if (!existsSync(abs)) return [];
  if (!statSync(abs).isDirectory()) return isIgnored(rel) ? [] : [rel];
  return readdirSync(abs).flatMap((name) => contextFiles(rel ? `${rel}/${name}` : name));
}

describe('Dockerfile', () => {
  it('builds and runs on an official Node LTS image (>= 20.19)', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of dockerfile.stages) {
      const m = /^node:(\d+)(?:\.(\d+))?[-.\w]*$/.exec(s.image);
      expect(m, s.image).not.toBeNull();
      const major = Number(m![1]);
      expect([20, 22, 24]).toContain(major); // LTS lines
      if (major === 20 && m![2] !== undefined) expect(Number(m![2])).toBeGreaterThanOrEqual(19);
    }
  });

  it('build stage: npm ci from the lockfile, then npm run build', () => {
    const runs = ops(stage('build'), 'RUN');
    expect(runs.some((r) => /^npm ci\b/.test(r))).toBe(true);
    expect(runs).toContain('npm run build');
  });

  it('runtime stage: production dependencies only, without scripts (no prepare), plus dist/bin/test_data', () => {
    const s = runtime();
    const runs = ops(s, 'RUN');
    expect(runs.some((r) => /^npm ci --omit=dev --ignore-scripts\b/.test(r))).toBe(true);
    expect(runs.join(' ')).not.toMatch(/npm (install|i)\b/);
    const copies = ops(s, 'COPY').map(parseCopy);
    expect(copies).toContainEqual(expect.objectContaining({ from: 'build', sources: ['/app/dist'] }));
    expect(copies.flatMap((c) => (c.from ? [] : c.sources)).sort()).toEqual(['bin', 'package-lock.json', 'package.json', 'test_data']);
    expect(runs.join(' ')).toContain('ln -s /app/bin/batch-load.js /usr/local/bin/batch-load');
  });

  it('runs as non-root uid 1000 with ENTRYPOINT batch-load, HOME=/tmp and a /results volume', () => {
    const s = runtime();
    expect(ops(s, 'USER').at(-1)).toMatch(/^(1000(:1000)?|node)$/);
    expect(parseExecForm(ops(s, 'ENTRYPOINT').at(-1)!)).toEqual(['batch-load']);
    expect(ops(s, 'CMD')).toHaveLength(1);
    expect(parseExecForm(ops(s, 'VOLUME').at(-1)!)).toEqual(['/results']);
    expect(ops(s, 'WORKDIR').at(-1)).toBe('/app');
    const env = Object.assign({}, ...ops(s, 'ENV').map(parseEnv)) as Record<string, string>;
    expect(env.HOME).toBe('/tmp');
    expect(env.NODE_ENV).toBe('production');
    // USER comes after every RUN: nothing runs as root at container start.
    const last = s.instructions.map((i) => i.op);
    expect(last.lastIndexOf('USER')).toBeGreaterThan(last.lastIndexOf('RUN'));
  });

  it('.dockerignore keeps node_modules, dist, .git, tests and charts out and lets every COPY source in', () => {
    for (const p of ['node_modules/yaml/package.json', 'dist/cli/main.js', '.git/HEAD', 'test/chart/lint.test.ts', 'charts/batch-load/Chart.yaml', 'bench/x.ts', 'coverage/x', 'results/report.json', 'src/foo.log']) {
      expect(isIgnored(p), p).toBe(true);
    }
    for (const s of dockerfile.stages) {
      for (const c of ops(s, 'COPY').map(parseCopy)) {
        if (c.from) continue;
        for (const src of c.sources) {
          expect(contextFiles(src).length, `${src} must be in the build context`).toBeGreaterThan(0);
        }
      }
    }
    expect(contextFiles('src').some((f) => f.endsWith('.ts'))).toBe(true);
    expect(contextFiles('test_data').sort()).toEqual(
      ['chat', 'completions', 'embeddings', 'large', 'medium', 'responses', 'small'].map((d) => `test_data/batch_input_${d}.jsonl`),
    );
  });
});

// ---- replay ---------------------------------------------------------------------------------

const HOST_NPM_ENV = {
  npm_config_cache: execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8', cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
  npm_config_userconfig: execFileSync('npm', ['config', 'get', 'userconfig'], { encoding: 'utf8', cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] }).trim(),
};

/** Runs a replayed step; a failure reports the step and the tail of its output. */
function step(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeout: number }): void {
  const res = spawnSync(cmd, args, { ...opts, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (res.status !== 0 || res.error) {
    const out = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`replayed step failed (${res.error?.message ?? `exit ${res.status}`}): ${cmd} ${args.join(' ')}\n${out}`);
  }
}

interface Replayed {
  root: string;
  env: Record<string, string>;
  workdir: string;
}

function replayStage(s: Stage, root: string, stages: Map<string, Replayed>): Replayed {
  const fsRoot = join(root, s.name);
  for (const d of ['tmp', 'usr/local/bin']) mkdirSync(join(fsRoot, d), { recursive: true }); // as in the base image
  const state: Replayed = { root: fsRoot, env: {}, workdir: '/' };
  const map = (p: string, base: Replayed = state) =>
    p.startsWith('/') ? join(base.root, p) : join(base.root, base.workdir, p);
  const containerEnv = () => {
    const env: Record<string, string> = { PATH: `${join(fsRoot, 'usr/local/bin')}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin` };
    for (const [k, v] of Object.entries(state.env)) env[k] = v.startsWith('/') ? map(v) : v;
    return env;
  };

  for (const ins of s.instructions) {
    switch (ins.op) {
      case 'WORKDIR':
        state.workdir = ins.args;
        mkdirSync(map(ins.args), { recursive: true });
        break;
      case 'ENV':
        Object.assign(state.env, parseEnv(ins.args));
        break;
      case 'COPY': {
        const c = parseCopy(ins.args);
        const dest = map(c.dest);
        for (const src of c.sources) {
          if (c.from) {
            const from = stages.get(c.from);
            if (!from) throw new Error(`COPY --from=${c.from}: stage not replayed`);
            const abs = map(src, from);
            cpSync(abs, statSync(abs).isDirectory() || !c.dest.endsWith('/') ? dest : join(dest, basename(abs)), { recursive: true });
            continue;
          }
          const files = contextFiles(src);
          if (files.length === 0) throw new Error(`COPY ${src}: not in the build context`);
          const isDir = statSync(join(REPO, src)).isDirectory();
          for (const f of files) {
            const target = isDir ? join(dest, relative(src, f)) : c.dest.endsWith('/') || c.sources.length > 1 ? join(dest, basename(f)) : dest;
            mkdirSync(dirname(target), { recursive: true });
            cpSync(join(REPO, f), target);
          }
        }
        break;
      }
      case 'RUN':
        for (const argv of splitRun(ins.args)) {
          const [cmd, ...rest] = argv as [string, ...string[]];
          const cwd = map(state.workdir);
          if (cmd === 'npm') {
            const extra = rest[0] === 'ci' ? ['--prefer-offline'] : [];
            step('npm', [...rest, ...extra], { cwd, env: { ...containerEnv(), ...HOST_NPM_ENV }, timeout: 240_000 });
          } else if (cmd === 'chown') {
            // ownership only; the content is what the test checks
          } else if (['ln', 'mkdir', 'chmod', 'rm'].includes(cmd)) {
            step(cmd, rest.map((a) => (a.startsWith('/') ? map(a) : a)), { cwd, timeout: 30_000 });
          } else {
            throw new Error(`RUN ${cmd}: the replay test does not know this command`);
          }
        }
        break;
      case 'ARG':
      case 'USER':
      case 'VOLUME':
      case 'ENTRYPOINT':
      case 'CMD':
      case 'LABEL':
      case 'EXPOSE':
        break;
      default:
        throw new Error(`${ins.op}: not replayable`);
    }
  }
  state.env = containerEnv();
  return state;
}

/** path -> size:mtime of every file under dir, skipping the given top-level names. */
function snapshot(dir: string, skip: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (!rel && skip.includes(name)) continue;
      const st = lstatSync(join(dir, r));
      if (st.isDirectory()) walk(r);
      else out.set(r, `${st.size}:${st.mtimeMs}`);
    }
  };
  walk('');
  return out;
}

describe('the image, replayed in a temporary directory', () => {
  let tmp: string;
  let app: Replayed;
  let appDir: string;
  let entrypoint: string[];
  let cmd: string[];

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'batch-load-image-'));
    const stages = new Map<string, Replayed>();
    for (const s of dockerfile.stages) stages.set(s.name, replayStage(s, tmp, stages));
    app = stages.get(runtime().name)!;
    appDir = join(app.root, ops(runtime(), 'WORKDIR').at(-1)!);
    entrypoint = parseExecForm(ops(runtime(), 'ENTRYPOINT').at(-1)!);
    cmd = parseExecForm(ops(runtime(), 'CMD').at(-1)!);
    mkdirSync(join(app.root, 'results'), { recursive: true });
  }, 420_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs the ENTRYPOINT (resolved on the image's PATH) like `docker run image ...args`. */
  function run(args: string[], timeout = 60_000) {
    const bin = join(app.root, 'usr/local/bin', entrypoint[0]!);
    return spawnSync(bin, [...entrypoint.slice(1), ...args], { cwd: appDir, env: app.env, encoding: 'utf8', timeout });
  }

  it('contains the app and only production dependencies', () => {
    expect(readdirSync(appDir).sort()).toEqual(['bin', 'dist', 'node_modules', 'package-lock.json', 'package.json', 'test_data']);
    expect(existsSync(join(appDir, 'dist/cli/main.js'))).toBe(true);
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(join(appDir, 'node_modules', dep)), dep).toBe(true);
    for (const dev of Object.keys(pkg.devDependencies)) expect(existsSync(join(appDir, 'node_modules', dev)), dev).toBe(false);
    for (const tool of ['vitest', 'typescript', 'tsx', '.bin/tsc']) expect(existsSync(join(appDir, 'node_modules', tool)), tool).toBe(false);
  });

  it('puts batch-load on PATH as a symlink to the package launcher', () => {
    const link = join(app.root, 'usr/local/bin/batch-load');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(appDir, 'bin/batch-load.js'));
    expect(statSync(link).mode & 0o111).not.toBe(0);
    expect(existsSync(join(app.root, 'tmp/.npm'))).toBe(false); // the npm cache does not stay in the image
  });

  it('the default command (ENTRYPOINT + CMD) is `batch-load --help` and exits 0', () => {
    expect(cmd).toEqual(['--help']);
    const res = run(cmd);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/--preset/);
  });

  it('a short run against the embedded mock passes and writes only under /results and /tmp', () => {
    const before = snapshot(app.root, ['tmp', 'results']);
    const report = join(app.root, 'results/report.json'); // /results/report.json in the container
    const res = run(['--run-time', '3s', '--users', '2', '--spawn-rate', '2', '--wait-min', '0', '--wait-max', '0', '--json', report], 90_000);
    expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
    const parsed = JSON.parse(readFileSync(report, 'utf8')) as unknown;
    expect(parsed).toBeTypeOf('object');
    expect(Object.keys(parsed as object).length).toBeGreaterThan(0);
    // read-only root filesystem: nothing outside /results and /tmp changed
    expect(snapshot(app.root, ['tmp', 'results'])).toEqual(before);
  }, 120_000);

  // ---- the chart's pod, run on the replayed image -------------------------------------------

  /** Starts the image's mock as the chart's mock Deployment does (port 0, loopback only). */
  async function startMock(): Promise<{ url: string; proc: ChildProcess }> {
    const rendered = helmTemplate({ mock: { enabled: true } }).find('Deployment')!.spec.template.spec.containers[0].args as string[];
    const args = rendered.map((a, i) => (rendered[i - 1] === '--port' ? '0' : rendered[i - 1] === '--bind' ? '127.0.0.1' : a));
    const proc = spawn(join(app.root, 'usr/local/bin', entrypoint[0]!), args, { cwd: appDir, env: app.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`mock did not start: ${out}`)), 20_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace(/\/+$/, ''));
        }
      });
      proc.on('exit', (code) => reject(new Error(`mock exited ${code}: ${out}`)));
    });
    return { url: new URL(url).origin, proc };
  }

  /**
   * Runs the rendered Job's container on the replayed image: volumes become directories (the
   * ConfigMap's keys as files), env comes from values or the rendered Secret, and absolute paths
   * under a mount point are mapped into the pod's directory.
   */
  function runPod(values: Record<string, unknown>) {
    const r = helmTemplate(values);
    const spec = r.find('Job')!.spec.template.spec;
    const c = spec.containers[0] as K8sObject;
    const pod = mkdtempSync(join(tmp, 'pod-'));
    const mountPaths: string[] = [];
    for (const m of c.volumeMounts as K8sObject[]) {
      const dir = join(pod, m.mountPath as string);
      mkdirSync(dir, { recursive: true });
      mountPaths.push(m.mountPath as string);
      const vol = (spec.volumes as K8sObject[]).find((v) => v.name === m.name)!;
      if (vol.configMap) {
        const cm = r.all('ConfigMap').find((o) => o.metadata.name === vol.configMap.name)!;
        for (const [k, v] of Object.entries(cm.data as Record<string, string>)) writeFileSync(join(dir, k), v);
      }
    }
    const mapPath = (v: string) => (mountPaths.some((m) => v === m || v.startsWith(`${m}/`)) ? join(pod, v) : v);
    const env: Record<string, string> = { ...app.env };
    for (const e of c.env as K8sObject[]) {
      if (e.value !== undefined) env[e.name] = mapPath(e.value as string);
      else if (e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.secretKeyRef as { name: string; key: string };
        const secret = r.all('Secret').find((o) => o.metadata.name === ref.name)!;
        env[e.name] = Buffer.from(secret.data[ref.key] as string, 'base64').toString();
      }
    }
    const args = (c.args as string[]).map(mapPath);
    const res = spawnSync(join(app.root, 'usr/local/bin', entrypoint[0]!), [...entrypoint.slice(1), ...args], {
      cwd: appDir,
      env,
      encoding: 'utf8',
      timeout: 90_000,
    });
    return { res, pod, args: c.args as string[] };
  }

  it('the chart’s Job container passes with mounted inline data, Secret env and the report in /results', async () => {
    const { url, proc } = await startMock();
    try {
      const before = snapshot(app.root, ['tmp', 'results']);
      const small = readFileSync(join(appDir, 'test_data/batch_input_small.jsonl'), 'utf8');
      const { res, pod, args } = runPod({
        run: { host: url, users: 2, spawnRate: 2, runTime: '3s', waitMin: 0, waitMax: 0, pollInterval: '100ms' },
        auth: { basicAuthUsername: 'admin', basicAuthPassword: 'password' },
        testData: { inline: small },
      });
      expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(0);
      expect(args).toContain('/test-data/inline.jsonl');
      const report = JSON.parse(readFileSync(join(pod, 'results/report.json'), 'utf8')) as unknown;
      expect(report).toBeTypeOf('object');
      expect(snapshot(app.root, ['tmp', 'results'])).toEqual(before);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 120_000);

  it('credentials really come from the Secret: a wrong password stops the run before any load (exit 3)', async () => {
    const { url, proc } = await startMock();
    try {
      const { res } = runPod({
        run: { host: url, users: 1, spawnRate: 1, runTime: '2s', waitMin: 0, waitMax: 0 },
        auth: { basicAuthUsername: 'admin', basicAuthPassword: 'not-the-password' },
        results: { jsonFile: '' },
      });
      expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(3);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 120_000);

  it('a failing threshold makes the container exit 1, so the Job (backoffLimit 0) fails', async () => {
    const { url, proc } = await startMock();
    try {
      const { res } = runPod({
        run: { host: url, users: 1, spawnRate: 1, runTime: '2s', waitMin: 0, waitMax: 0, pollInterval: '100ms', p95ThresholdMs: 0.001 },
        results: { jsonFile: '' },
      });
      expect(res.status, `${res.stdout}\n${res.stderr}`).toBe(1);
    } finally {
      proc.kill('SIGTERM');
    }
  }, 120_000);
});
