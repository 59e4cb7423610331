/**
 * Files (or blocks of files) derived from the option registry: the Helm chart's run values,
 * their schema and flag rendering, and the README's flag tables. `npm run gen` writes them;
 * the test in test/options/generated.test.ts fails when a committed file differs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helpersOptionLists, replaceBlock, schemaRunProperties, valuesYamlRun } from './chart.js';
import { readmeFlagTables } from './readme.js';
import { RUN_OPTIONS } from './run-options.js';
import { DATA_OPTIONS } from './data-options.js';
import { COMPARE_OPTIONS, REPORT_OPTIONS } from './report-options.js';
import type { OptionSpec } from './spec.js';

export interface GeneratedFile {
  /** relative to the repository root */
  path: string;
  content: string;
}

const CHART = 'charts/batch-load';

/** A table's --help groups, in order of first use. */
const groupsOf = (table: readonly OptionSpec[]) => [...new Set(table.map((s) => s.group))];

/** Every generated file's expected content, computed from its current content. */
export function generatedFiles(root: string, table: readonly OptionSpec[] = RUN_OPTIONS): GeneratedFile[] {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const out: GeneratedFile[] = [];

  const values = `${CHART}/values.yaml`;
  out.push({ path: values, content: replaceBlock(read(values), valuesYamlRun(table), values) });

  const helpers = `${CHART}/templates/_helpers.tpl`;
  out.push({ path: helpers, content: replaceBlock(read(helpers), helpersOptionLists(table), helpers) });

  const schemaPath = `${CHART}/values.schema.json`;
  const schema = JSON.parse(read(schemaPath)) as { properties: Record<string, unknown> };
  schema.properties.run = {
    description: 'Run options (generated from the option registry); null or empty = the preset or the tester default',
    type: 'object',
    additionalProperties: false,
    properties: schemaRunProperties(table),
  };
  out.push({ path: schemaPath, content: `${compactJson(schema)}\n` });

  let readme = replaceBlock(read('README.md'), readmeFlagTables(table), 'README.md', 'run');
  readme = replaceBlock(readme, readmeFlagTables(DATA_OPTIONS, groupsOf(DATA_OPTIONS)), 'README.md', 'data');
  readme = replaceBlock(readme, readmeFlagTables(REPORT_OPTIONS, groupsOf(REPORT_OPTIONS), false), 'README.md', 'report');
  readme = replaceBlock(readme, readmeFlagTables(COMPARE_OPTIONS, groupsOf(COMPARE_OPTIONS), false), 'README.md', 'compare');
  out.push({ path: 'README.md', content: readme });
  return out;
}

/** One-line JSON with a space after `:` and `,` (outside strings). */
function flatJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flatJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${flatJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Pretty JSON where any object or array that fits in `width` characters stays on one line. */
export function compactJson(value: unknown, indent = '', width = 100): string {
  const flat = flatJson(value);
  if (typeof value !== 'object' || value === null || flat.length + indent.length <= width) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + compactJson(v, inner, width)).join(',\n')}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner, width)}`).join(',\n')}\n${indent}}`;
}
