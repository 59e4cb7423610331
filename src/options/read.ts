/**
 * Raw option values (text as typed, JSON values, presets) → typed values, one parse per value,
 * with env vars that have names of their own (LOCUST_HOST, API_KEY, ...) filling options no flag
 * set. Precedence: flag (or BATCH_LOAD_<FLAG>) > named env var > (preset, default: the resolver).
 */
import { labelOf, type OptionSpec } from './spec.js';
import { parseValue } from './values.js';

export interface ReadOptions {
  env?: Record<string, string | undefined>;
  /** where each raw value came from, for messages (default: the flag, `--users`) */
  labels?: Record<string, string>;
  /** a named env var of this option is not read (e.g. per-scenario hosts once a global host is set) */
  skipNamedEnv?: (spec: OptionSpec, values: Record<string, unknown>) => boolean;
  /** an empty value is passed on (to be refused by a later check) instead of meaning "not set" */
  keepEmpty?: boolean;
}

const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

export function readValues(table: readonly OptionSpec[], raw: Record<string, unknown>, opts: ReadOptions = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of table) {
    const value = raw[spec.key];
    if (opts.keepEmpty && value === '' && spec.type === 'string') out[spec.key] = value;
    // a bare flag (`--sweep`) arrives as '' and means its bareValue
    else if (isSet(value) || (value === '' && spec.bareValue !== undefined)) out[spec.key] = parseValue(spec, value, opts.labels?.[spec.key] ?? labelOf(spec));
  }
  const env = opts.env ?? {};
  for (const spec of table) {
    if (isSet(out[spec.key]) || !spec.env || opts.skipNamedEnv?.(spec, out)) continue;
    const name = spec.env.find((n) => isSet(env[n]));
    if (name) out[spec.key] = parseValue(spec, env[name], name);
  }
  return out;
}

/** The table's default of an option, typed (durations in ms). */
export function defaultOf(spec: OptionSpec): unknown {
  return spec.default === undefined ? undefined : parseValue(spec, spec.default, `default of ${labelOf(spec)}`);
}
