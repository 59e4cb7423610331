/**
 * JSON Schema of option values, from the registry: serve's request bodies (checked with ajv)
 * and the Helm chart's `run` values (values.schema.json, checked by helm) use the same rules.
 */
import type { OptionSpec } from './spec.js';

/** A duration as text: `90`, `1.5`, `500ms`, `1h30m` (the grammar of config/duration.ts). */
export const DURATION_PATTERN = '^\\s*([0-9]+(\\.[0-9]+)?|([0-9]+(\\.[0-9]+)?(ms|s|m|h|d))+)\\s*$';
export const INTEGER_PATTERN = '^\\s*[+-]?[0-9]+\\s*$';
export const DECIMAL_PATTERN = '^\\s*[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$';

export type JsonSchema = Record<string, unknown>;

export interface SchemaStyle {
  /** null allowed (chart values: null = not set) */
  nullable?: boolean;
  /** numbers may also come as numeric text (serve bodies, as the FastAPI service accepted) */
  numericText?: boolean;
  /** leave string patterns and enums out: the resolver checks them with a message of its own */
  noStringPatterns?: boolean;
}

function withNull(types: string[], style: SchemaStyle): string | string[] {
  const all = style.nullable ? [...types, 'null'] : types;
  return all.length === 1 ? all[0]! : all;
}

function bounds(spec: OptionSpec, scale = 1): JsonSchema {
  const out: JsonSchema = {};
  if (spec.min !== undefined) out[spec.exclusiveMin ? 'exclusiveMinimum' : 'minimum'] = spec.min / scale;
  if (spec.max !== undefined) out.maximum = spec.max / scale;
  return out;
}

/** The schema of one option's value. */
export function valueSchema(spec: OptionSpec, style: SchemaStyle = {}): JsonSchema {
  const description = spec.describe;
  switch (spec.type) {
    case 'string': {
      // an empty string means "not set" in chart values
      const own = style.noStringPatterns ? undefined : spec.pattern;
      const pattern = own && style.nullable ? `^$|${own}` : own;
      return { description, type: withNull(['string'], style), ...(pattern ? { pattern } : {}) };
    }
    case 'enum':
      if (style.noStringPatterns) return { description, type: withNull(['string'], style) };
      return { description, type: withNull(['string'], style), enum: style.nullable ? ['', ...spec.choices!] : [...spec.choices!] };
    case 'boolean':
      return { description, type: withNull(['boolean'], style) };
    case 'integer':
      return style.numericText
        ? { description, type: withNull(['integer', 'string'], style), pattern: INTEGER_PATTERN, ...bounds(spec) }
        : { description, type: withNull(['integer'], style), ...bounds(spec) };
    case 'number':
      return style.numericText
        ? { description, type: withNull(['number', 'string'], style), pattern: DECIMAL_PATTERN, ...bounds(spec) }
        : { description, type: withNull(['number'], style), ...bounds(spec) };
    case 'duration': {
      // numbers are seconds; the registry's bounds are ms
      const pattern = style.nullable ? `^$|${DURATION_PATTERN}` : DURATION_PATTERN;
      return { description: `${description} (seconds, or text such as 90s, 2m, 1h30m)`, type: withNull(['number', 'string'], style), pattern, minimum: 0, ...(spec.max !== undefined ? { maximum: spec.max / 1000 } : {}) };
    }
    case 'list':
      return style.nullable
        ? { description, type: 'array', items: { type: 'string', minLength: 1 } }
        : { description, anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };
  }
}
