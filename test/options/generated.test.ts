// The chart's run values, their schema, their flag rendering and the README's flag tables are
// generated from the option registry: the committed files must be what `npm run gen` writes.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from '../../src/options/generate.js';
import { RUN_OPTIONS } from '../../src/options/run-options.js';
import type { OptionSpec } from '../../src/options/spec.js';

const root = resolve(import.meta.dirname, '../..');

describe('files generated from the option registry', () => {
  it.each(generatedFiles(root).map((f) => [f.path, f.content]))('%s is up to date (run `npm run gen`)', (path, content) => {
    expect(readFileSync(join(root, path), 'utf8'), `${path} differs from what the registry generates: run npm run gen`).toBe(content);
  });

  it('an option added to the registry without regenerating makes the check fail', () => {
    const extra: OptionSpec = { key: 'queueDepth', type: 'integer', group: RUN_OPTIONS[0].group, describe: 'A new option', min: 1 };
    const stale = generatedFiles(root, [...RUN_OPTIONS, extra]).filter((f) => readFileSync(join(root, f.path), 'utf8') !== f.content);
    expect(stale.map((f) => f.path).sort()).toEqual([
      'README.md',
      'charts/batch-load/templates/_helpers.tpl',
      'charts/batch-load/values.schema.json',
      'charts/batch-load/values.yaml',
    ]);
    const values = stale.find((f) => f.path.endsWith('values.yaml'))!.content;
    expect(values).toContain('queueDepth: null');
    expect(stale.find((f) => f.path.endsWith('_helpers.tpl'))!.content).toContain('["queueDepth", "--queue-depth"]');
  });
});
