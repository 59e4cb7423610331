/**
 * A test's request body → raw run options, validated against a JSON Schema generated from the
 * run-option registry (src/options) and checked with ajv. The FastAPI service this replaces took
 * four fields (`duration_seconds`→runTime, `user_count`→users, `spawn_rate`→spawnRate, `host`);
 * every other run option is accepted too, in snake_case or camelCase. Values are range-checked
 * again by the config resolver (its ConfigError is mapped back to the body field in plan.ts).
 * Every problem is collected, FastAPI style, rather than stopping at the first.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { RUN_OPTIONS, type RawRunOptions, type RunOptionKey } from '../options/run-options.js';
import { valueSchema, type JsonSchema } from '../options/schema.js';
import { snake, type OptionSpec } from '../options/spec.js';
import type { FieldError } from './errors.js';

/** Built-in data sets a body may name (a server-side path would let callers probe the server's files). */
export const BODY_DATA_SETS = ['small', 'medium', 'large'] as const;

/** The FastAPI service's field names for run options. */
const REFERENCE_FIELDS: Record<string, { key: RunOptionKey; schema: JsonSchema }> = {
  duration_seconds: { key: 'runTime', schema: { type: ['number', 'string'], pattern: '^\\s*[0-9.eE+-]+\\s*$', exclusiveMinimum: 0 } },
  user_count: { key: 'users', schema: { type: ['integer', 'string'], pattern: '^\\s*[+-]?[0-9]+\\s*$', minimum: 1 } },
};
for (const [name, f] of Object.entries(REFERENCE_FIELDS)) REFERENCE_FIELDS[name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())] = f;

const SPECS = new Map<string, OptionSpec>(RUN_OPTIONS.map((s) => [s.key, s]));
const accepted = (s: OptionSpec) => s.serveRefused === undefined && s.ignored === undefined;

/** Body field → option key: snake_case, camelCase and the FastAPI orchestrator's names. */
const FIELD_KEYS = new Map<string, RunOptionKey>();
for (const s of RUN_OPTIONS) {
  FIELD_KEYS.set(s.key, s.key);
  FIELD_KEYS.set(snake(s.key), s.key);
}
for (const [name, f] of Object.entries(REFERENCE_FIELDS)) FIELD_KEYS.set(name, f.key);

/** The schema of one test's body (for documentation and validation). */
export function testBodySchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [field, key] of FIELD_KEYS) {
    const spec = SPECS.get(key)!;
    if (REFERENCE_FIELDS[field]) properties[field] = REFERENCE_FIELDS[field].schema;
    else if (!accepted(spec)) properties[field] = { not: {}, description: `Not accepted here: ${spec.serveRefused ?? 'not applicable to serve'}` };
    else if (key === 'data') properties[field] = { type: 'string', enum: [...BODY_DATA_SETS] };
    else properties[field] = valueSchema(spec, { numericText: true, noStringPatterns: true });
  }
  return { type: 'object', properties, additionalProperties: false };
}

const validate = new Ajv({ allErrors: true, strict: false }).compile(testBodySchema());

/** The snake_case name of an option, as the docs and error locations use it. */
export function bodyFieldName(key: RunOptionKey): string {
  if (key === 'runTime') return 'duration_seconds';
  if (key === 'users') return 'user_count';
  return snake(key);
}

export interface ParsedTestBody {
  options: RawRunOptions;
  /** option key → the body key that set it (for error locations) */
  fields: Partial<Record<RunOptionKey, string>>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TYPE_ERRORS: Record<string, { msg: string; type: string }> = {
  string: { msg: 'Input should be a valid string', type: 'string_type' },
  enum: { msg: 'Input should be a valid string', type: 'string_type' },
  boolean: { msg: 'Input should be a valid boolean', type: 'bool_type' },
  number: { msg: 'Input should be a valid number', type: 'float_parsing' },
  integer: { msg: 'Input should be a valid integer', type: 'int_parsing' },
  duration: { msg: "Input should be a number of seconds or a duration such as '90s' or '2m'", type: 'duration_type' },
  list: { msg: 'Input should be a string or a list of strings', type: 'list_type' },
};

/** An ajv error on one field → FastAPI's msg/type for that field. */
function fieldError(field: string, e: ErrorObject): { msg: string; type: string } {
  const key = FIELD_KEYS.get(field)!;
  const spec = SPECS.get(key)!;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'not':
      return { msg: `Not accepted here: ${spec.serveRefused ?? 'not applicable to serve'}`, type: 'extra_forbidden' };
    case 'minimum':
      return { msg: `Input should be greater than or equal to ${String(p.limit)}`, type: 'greater_than_equal' };
    case 'exclusiveMinimum':
      return { msg: `Input should be greater than ${String(p.limit)}`, type: 'greater_than' };
    case 'maximum':
      return { msg: `Input should be less than or equal to ${String(p.limit)}`, type: 'less_than_equal' };
    case 'enum': {
      const allowed = (p.allowedValues as string[]).map((d) => `'${d}'`).join(', ');
      const hint = key === 'data' ? ' (set TEST_DATA_FILE on the server for a file of its own)' : '';
      return { msg: `Input should be one of ${allowed}${hint}`, type: 'enum' };
    }
  }
  // the FastAPI orchestrator's fields are numbers; everything else by its option type
  const kind = REFERENCE_FIELDS[field] ? (key === 'users' ? 'integer' : 'number') : spec.type;
  return TYPE_ERRORS[kind]!;
}

/** Numeric text in number fields becomes a number (`"5"` → 5), as the FastAPI service did. */
function normalise(key: RunOptionKey, field: string, value: unknown): unknown {
  const spec = SPECS.get(key)!;
  const numeric = REFERENCE_FIELDS[field] !== undefined || spec.type === 'integer' || spec.type === 'number';
  if (numeric && typeof value === 'string') return Number(value.trim());
  if (spec.type === 'list' && typeof value === 'string') return [value];
  return value;
}

/**
 * Parses one test's options. `loc` is the prefix of every error location, e.g. ['body'] or
 * ['body', 'chat']. null/undefined is an empty body; `null` values count as not given.
 */
export function parseTestBody(body: unknown, loc: Array<string | number>): { parsed: ParsedTestBody; errors: FieldError[] } {
  const parsed: ParsedTestBody = { options: {}, fields: {} };
  const errors: FieldError[] = [];
  if (body === undefined || body === null) return { parsed, errors };
  if (!isPlainObject(body)) {
    return { parsed, errors: [{ loc, msg: 'Input should be a valid dictionary or object', type: 'dict_type' }] };
  }
  const given = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
  const bad = new Map<string, { msg: string; type: string }>();
  if (!validate(given)) {
    for (const e of validate.errors ?? []) {
      if (e.keyword === 'additionalProperties') {
        const field = String((e.params as { additionalProperty: string }).additionalProperty);
        bad.set(field, { msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
        continue;
      }
      const field = e.instancePath.split('/')[1]!;
      // keep the first error per field (a type error before the pattern it implies)
      if (!bad.has(field)) bad.set(field, fieldError(field, e));
    }
  }
  const out = parsed.options as Record<string, unknown>;
  for (const [field, value] of Object.entries(given)) {
    const problem = bad.get(field);
    if (problem) {
      errors.push({ loc: [...loc, field], ...problem });
      continue;
    }
    const key = FIELD_KEYS.get(field)!;
    const earlier = parsed.fields[key];
    if (earlier !== undefined) {
      errors.push({ loc: [...loc, field], msg: `Given twice: '${earlier}' sets the same option`, type: 'value_error' });
      continue;
    }
    // duration_seconds stays a number: the resolver reads a bare number as seconds
    out[key] = normalise(key, field, value);
    parsed.fields[key] = field;
  }
  return { parsed, errors };
}
