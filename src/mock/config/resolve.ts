import { parseDuration } from '../../config/duration.js';
import { defaultOptions, type ResolvedMockOptions } from './defaults.js';
import type { FaultRates, MockServerOptions } from './options.js';

/** A bad option value; the message names the option and never echoes a secret. */
export class MockConfigError extends Error {
  override readonly name = 'MockConfigError';

  /** The option at fault, as a config path ("latency.ttftMs"), when known. */
  constructor(
    message: string,
    readonly option: string | null = null,
  ) {
    super(message);
  }
}

type Check = (value: unknown, name: string) => unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const fail = (name: string, expected: string): never => {
  throw new MockConfigError(`${name} must be ${expected}`, name.replace(/\[.*$/, ''));
};

const number =
  (min: number, max = Number.POSITIVE_INFINITY, integer = false): Check =>
  (v, name) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
      return fail(name, `${integer ? 'an integer' : 'a number'} ${range}`);
    }
    return v;
  };

const probability = number(0, 1);
const nonNegative = number(0);
/** A `...Ms` key: a number of milliseconds (the key says so), or text in the one duration grammar ('250ms', '2s'). */
const durationMs =
  (min = 0): Check =>
  (v, name) => {
    if (typeof v === 'string') {
      try {
        v = parseDuration(v, name);
      } catch {
        return fail(name, "a number of milliseconds or a duration such as '250ms' or '2s'");
      }
    }
    return number(min)(v, name);
  };
const positiveInt = number(1, Number.MAX_SAFE_INTEGER, true);
const count = number(0, Number.MAX_SAFE_INTEGER, true);

const string: Check = (v, name) => (typeof v === 'string' && v.length > 0 ? v : fail(name, 'a non-empty string'));
// Secrets: the message must not include the value.
const secret: Check = (v, name) => (typeof v === 'string' && v.length > 0 ? v : fail(name, 'a non-empty string'));
const boolean: Check = (v, name) => (typeof v === 'boolean' ? v : fail(name, 'true or false'));

const stringArray =
  (item: Check): Check =>
  (v, name) => {
    if (!Array.isArray(v)) return fail(name, 'a list of strings');
    return v.map((x, i) => item(x, `${name}[${i}]`));
  };

const urlPath: Check = (v, name) => {
  if (typeof v !== 'string' || !v.startsWith('/') || v.includes('?') || v.includes('#') || /\s/.test(v)) {
    return fail(name, 'a path starting with "/"');
  }
  // "/" as a base path would make every route ambiguous with /health and the admin paths.
  const trimmed = v.length > 1 && v.endsWith('/') ? v.slice(0, -1) : v;
  return trimmed === '/' ? fail(name, 'a path other than "/"') : trimmed;
};

type Shape = { [key: string]: Check | Shape };

const FAULT_RATES: Shape = {
  error500: probability,
  error429: probability,
  reset: probability,
  hang: probability,
  truncated: probability,
  malformed: probability,
};

const SHAPE: Shape = {
  port: number(0, 65535, true),
  host: string,
  basePaths: (v, name) => {
    const paths = stringArray(urlPath)(v, name) as string[];
    if (paths.length === 0) fail(name, 'a non-empty list of paths');
    return [...new Set(paths)];
  },
  models: stringArray(string),
  auth: {
    noAuth: boolean,
    adminUser: secret,
    adminPassword: secret,
    apiKeyPaths: stringArray(urlPath),
    staticKeys: stringArray(secret),
  },
  latency: {
    ttftMs: durationMs(),
    perTokenMs: durationMs(),
    jitterMs: durationMs(),
    jitterRatio: probability,
    defaultMaxTokens: positiveInt,
    maxTokensCap: positiveInt,
  },
  batch: {
    validatingMs: durationMs(),
    finalizingMs: durationMs(),
    cancellingMs: durationMs(),
    lineConcurrency: number(1, 10_000, true),
    expiryMs: durationMs(1),
    anyCompletionWindow: boolean,
    msTimestamps: boolean,
    maxLines: positiveInt,
    maxErrors: positiveInt,
    maxEnqueuedTokens: count,
  },
  files: { maxFileBytes: positiveInt, maxBatchFileBytes: positiveInt, maxJsonBodyBytes: positiveInt },
  embeddings: { defaultDimensions: positiveInt, maxDimensions: positiveInt },
  retention: { count: count, ageMs: durationMs() },
  capacity: { maxConcurrency: count, maxQueue: count },
  faults: {
    global: FAULT_RATES,
    routes: (v, name) => {
      if (!isObject(v)) return fail(name, 'an object of route key → fault rates');
      const out: Record<string, FaultRates> = {};
      for (const [key, rates] of Object.entries(v)) {
        const routeKey = normaliseRouteKey(key);
        if (!routeKey) fail(name, `keyed by "METHOD /path" (got "${key}")`);
        out[routeKey!] = mergeShape({}, rates, FAULT_RATES, `${name}["${key}"]`) as FaultRates;
      }
      return out;
    },
    batch: { dropOutputLine: probability, duplicateOutputLine: probability, stuckInProgress: probability },
    retryAfterSeconds: number(0, 3600),
  },
  seed: number(0, 0xffffffff, true),
};

/** "post  /v1/chat/completions" → "POST /v1/chat/completions"; null when not a route key. */
export function normaliseRouteKey(key: string): string | null {
  const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(key);
  if (!match) return null;
  return `${match[1]!.toUpperCase()} ${match[2]!}`;
}

function mergeShape(target: Record<string, unknown>, source: unknown, shape: Shape, prefix: string): Record<string, unknown> {
  if (!isObject(source)) return fail(prefix || 'options', 'an object');
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    const rule = shape[key];
    if (rule === undefined) throw new MockConfigError(`unknown option ${name}`, name);
    if (typeof rule === 'function') {
      target[key] = rule(value, name);
    } else {
      const nested = isObject(target[key]) ? (target[key] as Record<string, unknown>) : {};
      target[key] = mergeShape(nested, value, rule, name);
    }
  }
  return target;
}

/** Applies defaults and checks every value; throws MockConfigError naming the first bad option. */
export function resolveOptions(options: MockServerOptions = {}): ResolvedMockOptions {
  const resolved = defaultOptions();
  mergeShape(resolved as unknown as Record<string, unknown>, options, SHAPE, '');
  if (resolved.latency.defaultMaxTokens > resolved.latency.maxTokensCap) {
    resolved.latency.defaultMaxTokens = resolved.latency.maxTokensCap;
  }
  if (resolved.embeddings.defaultDimensions > resolved.embeddings.maxDimensions) {
    throw new MockConfigError('embeddings.defaultDimensions must not exceed embeddings.maxDimensions', 'embeddings.defaultDimensions');
  }
  return resolved;
}
