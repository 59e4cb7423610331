/**
 * A test's request body → RawRunOptions. The reference's four fields map to run options
 * (`duration_seconds`→runTime, `user_count`→users, `spawn_rate`→spawnRate, `host`); any other run
 * option is accepted in snake_case or camelCase and type-checked here. Values are range-checked
 * by the config resolver (its ConfigError is mapped back to the body field in plan.ts).
 * Every problem is collected, FastAPI style, rather than stopping at the first.
 */
import type { RawRunOptions } from '../config/options.js';
import type { FieldError } from './errors.js';

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'duration' | 'stringList';
type OptionKey = keyof RawRunOptions;

/** Run options a body may set, with the JSON type each takes. */
const OPTION_KINDS: Partial<Record<OptionKey, Kind>> = {
  host: 'string',
  basePath: 'string',
  preset: 'string',
  users: 'integer',
  spawnRate: 'number',
  runTime: 'duration',
  stopTimeout: 'duration',
  waitMin: 'duration',
  waitMax: 'duration',
  iterations: 'integer',
  rate: 'number',
  data: 'string',
  verify: 'string',
  pollInterval: 'duration',
  pollFactor: 'number',
  pollMaxInterval: 'duration',
  maxPolls: 'integer',
  maxWait: 'duration',
  pollJitter: 'boolean',
  apiKey: 'string',
  apiKeyEndpoint: 'string',
  basicAuthUsername: 'string',
  basicAuthPassword: 'string',
  p95ThresholdMs: 'number',
  errorRateThreshold: 'number',
  threshold: 'stringList',
  defaultThresholds: 'boolean',
  progressInterval: 'duration',
  requestTimeout: 'duration',
  connections: 'integer',
  seed: 'integer',
  model: 'string',
  chatModel: 'string',
  responsesModel: 'string',
  embeddingsModel: 'string',
  prompt: 'string',
  promptRepeat: 'integer',
  maxTokens: 'integer',
  stream: 'boolean',
  streamRatio: 'number',
  user: 'string',
  embeddingInputs: 'integer',
  encodingFormat: 'string',
  dimensions: 'integer',
  baselineHost: 'string',
  baselineRatio: 'number',
  overheadHeader: 'string',
};

/** Run options a body may not set, and why. */
const REFUSED: Partial<Record<OptionKey, string>> = {
  scenario: 'fixed by the test name in the URL',
  json: 'the server writes no report files; the result is in the response',
  csv: 'the server writes no report files; the result is in the response',
  runId: 'assigned by the server',
  onlySummary: 'not applicable to serve',
  chatHost: "use 'host' in this test's body",
  responsesHost: "use 'host' in this test's body",
  embeddingsHost: "use 'host' in this test's body",
};

/** Built-in data sets a body may name (a server-side path would let callers probe the server's files). */
export const BODY_DATA_SETS = ['small', 'medium', 'large'] as const;

/** The reference's field names (and their camelCase twins) for run options. */
const REFERENCE_ALIASES: Record<string, OptionKey> = {
  duration_seconds: 'runTime',
  durationSeconds: 'runTime',
  user_count: 'users',
  userCount: 'users',
};

const camelToSnake = (s: string): string => s.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
const snakeToCamel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** Body key → option key, or undefined for an unknown key. */
function optionKeyOf(bodyKey: string): OptionKey | undefined {
  const alias = REFERENCE_ALIASES[bodyKey];
  if (alias) return alias;
  const camel = snakeToCamel(bodyKey) as OptionKey;
  if (camel in OPTION_KINDS || camel in REFUSED) return camel;
  return undefined;
}

/** The snake_case name of an option, as the docs and error locations use it. */
export function bodyFieldName(key: OptionKey): string {
  if (key === 'runTime') return 'duration_seconds';
  if (key === 'users') return 'user_count';
  return camelToSnake(key);
}

export interface ParsedTestBody {
  options: RawRunOptions;
  /** option key → the body key that set it (for error locations) */
  fields: Partial<Record<OptionKey, string>>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Validates one value; returns the option value or a field error (without loc). */
function checkValue(kind: Kind, value: unknown): { value: unknown } | { msg: string; type: string } {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? { value } : { msg: 'Input should be a valid string', type: 'string_type' };
    case 'boolean':
      return typeof value === 'boolean' ? { value } : { msg: 'Input should be a valid boolean', type: 'bool_type' };
    case 'number': {
      const n = toNumber(value);
      return n === undefined ? { msg: 'Input should be a valid number', type: 'float_parsing' } : { value: n };
    }
    case 'integer': {
      const n = toNumber(value);
      return n === undefined || !Number.isInteger(n) ? { msg: 'Input should be a valid integer', type: 'int_parsing' } : { value: n };
    }
    case 'duration': {
      if (typeof value === 'string' && value.trim() !== '') return { value };
      const n = typeof value === 'number' && Number.isFinite(value) ? value : undefined;
      return n === undefined
        ? { msg: "Input should be a number of seconds or a duration such as '90s' or '2m'", type: 'duration_type' }
        : { value: n };
    }
    case 'stringList': {
      if (typeof value === 'string') return { value: [value] };
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return { value };
      return { msg: 'Input should be a string or a list of strings', type: 'list_type' };
    }
  }
}

/** Range checks for the reference's own fields (the resolver checks the rest). */
function checkReferenceField(bodyKey: string, key: OptionKey, value: unknown): FieldError | undefined {
  if (key === 'runTime' && REFERENCE_ALIASES[bodyKey] && !(typeof value === 'number' && value > 0)) {
    return { loc: [bodyKey], msg: 'Input should be greater than 0', type: 'greater_than' };
  }
  if (key === 'users' && typeof value === 'number' && value < 1) {
    return { loc: [bodyKey], msg: 'Input should be greater than or equal to 1', type: 'greater_than_equal' };
  }
  if (key === 'spawnRate' && typeof value === 'number' && value <= 0) {
    return { loc: [bodyKey], msg: 'Input should be greater than 0', type: 'greater_than' };
  }
  if (key === 'data' && typeof value === 'string' && !(BODY_DATA_SETS as readonly string[]).includes(value)) {
    return {
      loc: [bodyKey],
      msg: `Input should be one of ${BODY_DATA_SETS.map((d) => `'${d}'`).join(', ')} (set TEST_DATA_FILE on the server for a file of its own)`,
      type: 'enum',
    };
  }
  return undefined;
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
  const out = parsed.options as Record<string, unknown>;
  for (const [bodyKey, value] of Object.entries(body)) {
    const key = optionKeyOf(bodyKey);
    if (key === undefined) {
      errors.push({ loc: [...loc, bodyKey], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' });
      continue;
    }
    const refused = REFUSED[key];
    if (refused) {
      errors.push({ loc: [...loc, bodyKey], msg: `Not accepted here: ${refused}`, type: 'extra_forbidden' });
      continue;
    }
    if (value === null) continue;
    const earlier = parsed.fields[key];
    if (earlier !== undefined) {
      errors.push({ loc: [...loc, bodyKey], msg: `Given twice: '${earlier}' sets the same option`, type: 'value_error' });
      continue;
    }
    // duration_seconds is a number of seconds, as in the reference; run_time also takes '2m'
    const kind: Kind = key === 'runTime' && REFERENCE_ALIASES[bodyKey] ? 'number' : OPTION_KINDS[key]!;
    const checked = checkValue(kind, value);
    if ('msg' in checked) {
      errors.push({ loc: [...loc, bodyKey], msg: checked.msg, type: checked.type });
      continue;
    }
    const rangeError = checkReferenceField(bodyKey, key, checked.value);
    if (rangeError) {
      errors.push({ ...rangeError, loc: [...loc, ...rangeError.loc] });
      continue;
    }
    // duration_seconds stays a number: the resolver reads a bare number as seconds
    out[key] = checked.value;
    parsed.fields[key] = bodyKey;
  }
  return { parsed, errors };
}
