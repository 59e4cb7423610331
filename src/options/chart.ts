/**
 * The Helm chart's `run` values from the run-option registry: the `run:` block of values.yaml,
 * `properties.run` of values.schema.json and the flag rendering in templates/_helpers.tpl.
 * `npm run gen` writes them; test/options/generated.test.ts fails when the committed chart
 * differs from what the registry generates.
 */
import { RUN_OPTIONS } from './run-options.js';
import { valueSchema, type JsonSchema } from './schema.js';
import { flagOf, type OptionSpec } from './spec.js';

export const BEGIN = '>>> generated from the option registry (src/options) by `npm run gen`: edit the registry, not this block';
export const END = '<<< end of generated block';

/** Options the chart renders from `run.<value>`. host is rendered by the template itself (mock Service). */
export function chartOptions(table: readonly OptionSpec[] = RUN_OPTIONS): OptionSpec[] {
  return table.filter((s) => s.chart !== false && !s.ignored);
}

export const chartValueName = (s: OptionSpec) => s.chartValue ?? s.key;
/** Options passed as their named env var in the Job (their env name is their usual spelling). */
const viaEnv = (s: OptionSpec) => s.key === 'p95ThresholdMs' || s.key === 'errorRateThreshold';

/** The `run:` entries of values.yaml (indented two spaces), without the `run:` line. */
export function valuesYamlRun(table?: readonly OptionSpec[]): string {
  const lines: string[] = [];
  for (const s of chartOptions(table)) {
    const how = viaEnv(s) ? `env ${s.env![0]}` : s.type === 'boolean' ? `--${flagOf(s)} / --no-${flagOf(s)}` : `--${flagOf(s)}`;
    const dflt = s.defaultText ?? (s.default === undefined ? undefined : String(s.default));
    lines.push(`  # -- ${s.describe} (${how}${dflt ? `; tester default ${dflt}` : ''})`);
    const empty = s.type === 'list' ? '[]' : s.type === 'string' || s.type === 'enum' ? '""' : 'null';
    lines.push(`  ${chartValueName(s)}: ${empty}`);
  }
  return lines.join('\n');
}

/** `properties` of the `run` object in values.schema.json. */
export function schemaRunProperties(table?: readonly OptionSpec[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const s of chartOptions(table)) out[chartValueName(s)] = valueSchema(s, { nullable: true });
  out.extraArgs = {
    description: 'Appended verbatim after the chart-rendered flags (flags this chart does not model)',
    type: 'array',
    items: { type: ['string', 'number', 'boolean'] },
  };
  return out;
}

/** The YAML lists (value name, flag or env var) _helpers.tpl's "batch-load.runOptionLists" holds. */
export function helpersOptionLists(table?: readonly OptionSpec[]): string {
  const opts = chartOptions(table).filter((s) => s.key !== 'host' && !viaEnv(s));
  const pairs = (name: string, list: Array<[string, string]>) =>
    `${name}:${list.length ? '' : ' []'}${list.map(([v, f]) => `\n  - ["${v}", "${f}"]`).join('')}`;
  const flags = (f: (s: OptionSpec) => boolean) => opts.filter(f).map((s): [string, string] => [chartValueName(s), `--${flagOf(s)}`]);
  return [
    pairs('valueFlags', flags((s) => s.type !== 'boolean' && s.type !== 'list')),
    pairs('switchFlags', flags((s) => s.type === 'boolean')),
    pairs('listFlags', flags((s) => s.type === 'list')),
    pairs('envValues', chartOptions(table).filter(viaEnv).map((s): [string, string] => [chartValueName(s), s.env![0]!])),
  ].join('\n');
}

/**
 * Replaces the text between the BEGIN and END marker lines of `text` (markers kept). A named
 * block's markers end with ` [name]` (several blocks in one file).
 */
export function replaceBlock(text: string, body: string, file: string, name?: string): string {
  const tag = name ? ` [${name}]` : '';
  const start = text.indexOf(BEGIN + tag);
  const end = text.indexOf(END + tag, start);
  if (start < 0 || end < start) throw new Error(`${file}: generated-block markers${tag} not found`);
  const afterBegin = text.indexOf('\n', start) + 1;
  const endLineStart = text.lastIndexOf('\n', end) + 1;
  return `${text.slice(0, afterBegin)}${body}\n${text.slice(endLineStart)}`;
}
