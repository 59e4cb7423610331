/**
 * The package as a library: built as `npm install` builds it (tsc → dist/), installed under
 * node_modules/batch-load of a consumer, imported by name with its types, and used for a tiny
 * load against its own mock server.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let consumer: string;

const CONSUMER = `
import { runLoadTest, startMockServer, mergeReports, loadRunConfig, buildJsonReport, type RunResult, type JsonReport } from 'batch-load';

const mock = await startMockServer({ port: 0, host: '127.0.0.1' });
try {
  const config = await loadRunConfig({ host: mock.url, scenario: 'chat', users: 2, spawnRate: 2, runTime: '400ms', waitMin: 0, waitMax: '20ms' });
  const result: RunResult = await runLoadTest(config);
  const doc: JsonReport = buildJsonReport({ version: '0', runId: result.runId, config: {}, metrics: result.metrics, thresholds: result.thresholds, exitCode: result.exitCode });
  const merged = mergeReports([doc, doc]);
  const served = mock.stats().requests.total;
  console.log(JSON.stringify({ requests: result.metrics.aggregated.count, served, passed: result.passed, merged: merged.metrics.aggregated.count }));
} finally {
  await mock.close();
}
`;

function distIsFresh(): boolean {
  const built = join(ROOT, 'dist', 'index.d.ts');
  if (!existsSync(built) || !existsSync(join(ROOT, 'dist', 'index.js'))) return false;
  const builtAt = statSync(built).mtimeMs;
  const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return sources.every((f) => statSync(join(ROOT, 'src', f)).mtimeMs < builtAt);
}

beforeAll(async () => {
  consumer = mkdtempSync(join(tmpdir(), 'bl-lib-'));
  const pkg = join(consumer, 'node_modules', 'batch-load');
  mkdirSync(pkg, { recursive: true });
  // dist/ as `npm install` built it when it is newer than every source file (CI), else a fresh build
  if (distIsFresh()) symlinkSync(join(ROOT, 'dist'), join(pkg, 'dist'));
  else await run(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist')]);
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'test_data'), join(pkg, 'test_data'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(consumer, 'use.mts'), CONSUMER);
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, typeRoots: [join(ROOT, 'node_modules', '@types')], types: ['node'] },
      files: ['use.mts'],
    }),
  );
}, 180_000);
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

describe("import from 'batch-load'", () => {
  it('type-checks against dist/index.d.ts, runs a tiny load against startMockServer and merges its report', async () => {
    // tsc exits non-zero on a type error, which rejects here
    await run(process.execPath, [TSC, '-p', join(consumer, 'tsconfig.json')], { cwd: consumer });
    const { stdout } = await run(process.execPath, [join(consumer, 'use.mjs')], { cwd: consumer, timeout: 60_000 });
    const out = JSON.parse(stdout) as { requests: number; served: number; passed: boolean; merged: number };
    expect(out.requests).toBeGreaterThan(0);
    expect(out.served).toBe(out.requests);
    expect(out.passed).toBe(true);
    expect(out.merged).toBe(2 * out.requests);
  }, 120_000);
});
