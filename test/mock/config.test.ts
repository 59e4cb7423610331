import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MockConfigError, loadMockConfigFile, resolveOptions, startMockServer } from '../../src/mock/index.js';

describe('mock options', () => {
  it('applies defaults fast enough for in-process tests', () => {
    const options = resolveOptions();
    expect(options.basePaths).toEqual(['/v1', '/ai/v1']);
    expect(options.batch.validatingMs + options.batch.finalizingMs).toBeLessThan(500);
    expect(options.port).toBe(0);
  });

  it('names the bad option', () => {
    expect(() => resolveOptions({ latency: { ttftMs: -1 } })).toThrow(/latency.ttftMs must be a number >= 0/);
    expect(() => resolveOptions({ faults: { global: { error500: 2 } } })).toThrow(MockConfigError);
    expect(() => resolveOptions({ faults: { routes: { 'chat/completions': { error500: 0.1 } } } })).toThrow(/METHOD \/path/);
    expect(() => resolveOptions({ typo: 1 } as never)).toThrow(/unknown option typo/);
    expect(() => resolveOptions({ auth: { adminPassword: '' } })).toThrow(/auth.adminPassword must be a non-empty string/);
  });

  it('loads JSON and YAML config files', async () => {
    const json = join(tmpdir(), `mock-${process.pid}.json`);
    const yaml = join(tmpdir(), `mock-${process.pid}.yml`);
    await writeFile(json, JSON.stringify({ seed: 5, faults: { routes: { 'POST /v1/embeddings': { error429: 0.5 } } } }));
    await writeFile(yaml, 'seed: 6\nbatch:\n  lineConcurrency: 4\n');
    expect(await loadMockConfigFile(json)).toMatchObject({ seed: 5 });
    expect(await loadMockConfigFile(yaml)).toEqual({ seed: 6, batch: { lineConcurrency: 4 } });
    await writeFile(yaml, 'seed: [oops');
    await expect(loadMockConfigFile(yaml)).rejects.toThrow(/not valid YAML/);
    await writeFile(yaml, 'latency:\n  ttftMs: fast\n');
    await expect(loadMockConfigFile(yaml)).rejects.toThrow(/latency.ttftMs/);
  });

  it('startMockServer rejects bad options before listening', async () => {
    await expect(startMockServer({ port: -1 })).rejects.toThrow(/port must be an integer/);
  });
});
