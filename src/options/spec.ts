/**
 * The shape of an option table. Every command's options (run, mock, serve, ...) are declared as
 * one such table; the CLI flags and their --help groups, the env-var mapping, serve's request
 * body schema and the Helm chart's values are all derived from it (src/options/*).
 */

/**
 * How a value is read:
 *   string    any text
 *   integer   a whole decimal number (no hex, no '', no Infinity)
 *   number    a decimal number, exponent allowed (1e3)
 *   duration  500ms, 90s, 2m, 1h30m, 1d; a bare number is seconds (config/duration.ts)
 *   boolean   a switch: --x / --no-x; from env 1/0, true/false, yes/no, on/off
 *   list      repeatable string (each --x adds one)
 *   enum      one of `choices`
 */
export type OptionType = 'string' | 'integer' | 'number' | 'duration' | 'boolean' | 'list' | 'enum';

/** The TypeScript type a parsed value of each option type has (durations in ms). */
export type ValueOfType<T extends OptionType> = T extends 'integer' | 'number' | 'duration'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'list'
      ? string[]
      : string;

export interface OptionSpec {
  /** camelCase key in the parsed values (and serve body, also accepted in snake_case) */
  key: string;
  type: OptionType;
  /** one line for --help, the README tables and the chart's values.yaml comments */
  describe: string;
  /** --help group heading */
  group: string;
  /** the flag's name when it is not kebab(key) */
  flag?: string;
  /** other flag names: short (`u`) or long (`hatch-rate`) */
  alias?: readonly string[];
  /** the default, as a user would type it (applied by the resolver, shown in --help) */
  default?: string | number | boolean;
  /** what --help shows as the default when it is computed ("users", "a UUID") */
  defaultText?: string;
  /** env vars with names of their own (besides BATCH_LOAD_<FLAG>), first set wins */
  env?: readonly string[];
  /** allowed values of an enum */
  choices?: readonly string[];
  /** numeric bounds (durations: in ms) */
  min?: number;
  max?: number;
  /** the minimum itself is not allowed (e.g. a rate > 0) */
  exclusiveMin?: boolean;
  /** regex (source text) a string must match, for schemas (serve body, chart values) */
  pattern?: string;
  /** a check of a string value beyond its type; throws ConfigError naming `label` */
  check?: (value: string, label: string) => void;
  /** masked in every output; never rendered as a chart flag */
  secret?: boolean;
  /**
   * The Helm chart: by default the option is the value `run.<key>` and renders as its flag.
   * `false`: the chart handles it elsewhere (Secret, test data, results) or not at all.
   */
  chart?: false;
  /** the chart value's name when it is not the key (`thresholds` for `threshold`) */
  chartValue?: string;
  /** serve's request body: refused with this reason (default: accepted) */
  serveRefused?: string;
  /** accepted for compatibility with another tool and ignored: why (printed as a note) */
  ignored?: string;
  /** for `mock`-style tables: the dotted path the value sets in the command's options object */
  path?: string;
  /** boolean whose flag means the opposite of its path (--auth sets noAuth=false) */
  invert?: boolean;
  /** hidden from --help and the README tables (deprecated spellings) */
  hidden?: boolean;
  /** the flag may be given without a value (`--sweep`), meaning this one (`--sweep 20` sets it) */
  bareValue?: string | number;
}

/** `spawnRate` → `spawn-rate` */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `spawnRate` → `spawn_rate` */
export function snake(key: string): string {
  return key.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);
}

export function flagOf(spec: OptionSpec): string {
  return spec.flag ?? kebab(spec.key);
}

/** `spawnRate` → `BATCH_LOAD_SPAWN_RATE`: every run flag can be set from the environment. */
export function envNameOf(spec: OptionSpec | string): string {
  const flag = typeof spec === 'string' ? kebab(spec) : flagOf(spec);
  return `BATCH_LOAD_${flag.replace(/-/g, '_').toUpperCase()}`;
}

/** The option's label in error messages: `--spawn-rate`. */
export function labelOf(spec: OptionSpec): string {
  return `--${flagOf(spec)}`;
}

/** Builds a lookup by key for a table, checking it once for duplicate keys and flags. */
export function indexTable<T extends readonly OptionSpec[]>(table: T): Map<string, T[number]> {
  const byKey = new Map<string, T[number]>();
  const flags = new Set<string>();
  for (const spec of table) {
    if (byKey.has(spec.key)) throw new Error(`option table: key '${spec.key}' twice`);
    byKey.set(spec.key, spec);
    for (const name of [flagOf(spec), ...(spec.alias ?? [])]) {
      if (flags.has(name)) throw new Error(`option table: flag '${name}' twice`);
      flags.add(name);
    }
  }
  return byKey;
}
