/**
 * An option table → yargs options (flags, aliases, --help groups), and parsed argv (+ the
 * BATCH_LOAD_<FLAG> env vars) → typed values. Values are parsed by the registry, not by yargs:
 * yargs keeps every value as the text typed (parse-numbers is off), so `-u 0x10` or
 * `--rate Infinity` get one clear error instead of a silent conversion.
 */
import type { Argv, Options } from 'yargs';
import { envNameOf, flagOf, labelOf, type OptionSpec } from './spec.js';

/** yargs keeps every value as typed: the registry parses it (main.ts, and tests that parse like it). */
export const PARSER_CONFIGURATION = { 'parse-numbers': false, 'parse-positional-numbers': false } as const;

const TYPE_TAG: Partial<Record<OptionSpec['type'], string>> = {
  integer: '[integer]',
  number: '[number]',
  duration: '[duration]',
};

function helpText(spec: OptionSpec): string {
  const base = spec.ignored ? `Ignored: ${spec.ignored}` : spec.describe;
  const text = spec.env ? `${base} (env ${spec.env.join(', ')})` : base;
  if (spec.type === 'enum') return `${text} [choices: ${spec.choices!.join(', ')}]`;
  const tag = TYPE_TAG[spec.type];
  return tag ? `${text} ${tag}` : text;
}

/** The yargs definition of one option. */
export function yargsOption(spec: OptionSpec): Options {
  const shownDefault = spec.defaultText ?? (spec.default === undefined ? undefined : String(spec.default));
  const common: Options = {
    alias: spec.alias ? [...spec.alias] : undefined,
    describe: helpText(spec),
    group: spec.group,
    hidden: spec.hidden,
    defaultDescription: shownDefault,
  };
  if (spec.type === 'boolean') return { ...common, type: 'boolean' };
  if (spec.type === 'list') return { ...common, type: 'string', array: true, requiresArg: true };
  if (spec.type === 'string') return { ...common, type: 'string', requiresArg: true, nargs: 1 };
  // `--sweep` alone or `--sweep 20`: yargs gives '' for the bare flag (values.ts reads it)
  if (spec.bareValue !== undefined) return { ...common, type: 'string' };
  // no yargs type: the text stays as typed; nargs 1 takes `-1s` as the value, not as flags
  return { ...common, requiresArg: true, nargs: 1 };
}

/** Adds every option of a table to a yargs instance. */
export function addOptions<T>(y: Argv<T>, table: readonly OptionSpec[]): Argv<T> {
  let out = y;
  for (const spec of table) out = out.option(flagOf(spec), yargsOption(spec)) as Argv<T>;
  return out;
}

/**
 * The raw values a command line gives: each option's flag value as typed, else its
 * BATCH_LOAD_<FLAG> env var; with the source of each for messages (`--users`, `BATCH_LOAD_USERS`).
 * A flag given twice takes its last value (a list keeps all). Parsing is the resolver's
 * (options/read.ts), one parse per value.
 */
export function rawFromArgv(
  argv: Record<string, unknown>,
  table: readonly OptionSpec[],
  env: Record<string, string | undefined> = {},
): { raw: Record<string, unknown>; labels: Record<string, string> } {
  const raw: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  for (const spec of table) {
    const given = argv[flagOf(spec)] ?? argv[spec.key];
    if (given !== undefined) {
      raw[spec.key] = Array.isArray(given) && spec.type !== 'list' ? given[given.length - 1] : given;
      labels[spec.key] = labelOf(spec);
      continue;
    }
    const name = envNameOf(spec);
    const fromEnv = env[name];
    if (fromEnv !== undefined && fromEnv !== '') {
      raw[spec.key] = fromEnv;
      labels[spec.key] = name;
    }
  }
  return { raw, labels };
}
