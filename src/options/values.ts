/**
 * Reads one option value, whatever its source (a flag's text, an env var, a JSON body value, a
 * preset), into its typed form; a bad value is a ConfigError naming where it came from.
 */
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/errors.js';
import type { OptionSpec } from './spec.js';

/** Decimal only: `0x10`, `0b1`, `''`, `Infinity` and `1_000` are not numbers here. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = /^(1|true|yes|on)$/i;
const FALSE = /^(0|false|no|off)$/i;

export function parseNumberText(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

export function parseBooleanText(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  if (TRUE.test(value.trim())) return true;
  if (FALSE.test(value.trim())) return false;
  return undefined;
}

function checkRange(spec: OptionSpec, n: number, label: string, shown: string): number {
  const fmt = (v: number) => (spec.type === 'duration' ? `${v}ms` : String(v));
  if (spec.min !== undefined) {
    if (spec.exclusiveMin ? n <= spec.min : n < spec.min) {
      throw new ConfigError(`${label}: must be ${spec.exclusiveMin ? '>' : '≥'} ${fmt(spec.min)}, got ${shown}`);
    }
  }
  if (spec.max !== undefined && n > spec.max) throw new ConfigError(`${label}: must be ≤ ${fmt(spec.max)}, got ${shown}`);
  return n;
}

/**
 * One value → its typed form. `label` names the source in errors (`--users`, `BATCH_LOAD_USERS`,
 * `P95_THRESHOLD_MS`). Lists accept one string or an array of strings.
 */
export function parseValue(spec: OptionSpec, value: unknown, label: string): unknown {
  // a flag that may stand alone (`--sweep`): given bare, or `true` from an env var or a body
  if (spec.bareValue !== undefined && (value === '' || value === true || (typeof value === 'string' && /^true$/i.test(value.trim())))) {
    value = spec.bareValue;
  }
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') throw new ConfigError(`${label}: expected text, got ${shown}`);
      spec.check?.(value, label);
      return value;
    case 'enum': {
      const text = typeof value === 'string' ? value.trim() : undefined;
      if (text === undefined || !spec.choices!.includes(text)) {
        throw new ConfigError(`${label}: expected one of ${spec.choices!.join(', ')}, got ${shown}`);
      }
      return text;
    }
    case 'boolean': {
      const b = parseBooleanText(value);
      if (b === undefined) throw new ConfigError(`${label}: expected true or false (1/0, yes/no, on/off), got ${shown}`);
      return b;
    }
    case 'integer':
    case 'number': {
      const n = parseNumberText(value);
      const what = spec.type === 'integer' ? 'a whole number' : 'a decimal number';
      if (n === undefined) throw new ConfigError(`${label}: expected ${what}, got ${shown}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) throw new ConfigError(`${label}: expected a whole number, got ${shown}`);
      return checkRange(spec, n, label, shown);
    }
    case 'duration': {
      if (typeof value !== 'string' && typeof value !== 'number') throw new ConfigError(`${label}: expected a duration such as 90s, got ${shown}`);
      return checkRange(spec, parseDuration(value, label), label, shown);
    }
    case 'list': {
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((v) => typeof v === 'string')) throw new ConfigError(`${label}: expected text, got ${shown}`);
      return list;
    }
  }
}
