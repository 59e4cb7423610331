/**
 * k6-style threshold expressions.
 *
 *   expression  := metric ':' condition (',' condition)*
 *   condition   := aggregation op number            (spaces allowed between the parts)
 *   aggregation := 'p(' N ')' | 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate'   with 0 < N <= 100
 *   op          := '<' | '<=' | '>' | '>=' | '==' | '!='
 *   number      := decimal, optional sign, fraction and exponent (500, 0.01, 1e3, -2)
 *
 * The metric is everything before the LAST ':' whose remainder starts with an aggregation, so
 * metric names may contain spaces, slashes, braces, brackets and colons:
 *   `batch_status:validating: avg<5000` → metric `batch_status:validating`.
 * One expression with several conditions yields one spec per condition; each spec's `source`
 * is `metric: condition` so verdict lines stay distinct (the whole text when there is one).
 */
import type { ThresholdOp, ThresholdSpec } from './types.js';

export class ThresholdSyntaxError extends Error {
  readonly expression: string;
  readonly reason: string;

  constructor(expression: string, reason: string) {
    // one line whatever the input: JSON.stringify escapes newlines
    super(`invalid threshold ${JSON.stringify(expression)}: ${reason}`);
    this.name = 'ThresholdSyntaxError';
    this.expression = expression;
    this.reason = reason;
  }
}

export const AGGREGATIONS = ['avg', 'min', 'max', 'med', 'count', 'rate'] as const;
const AGG_START = /^\s*(p\s*\(|(avg|min|max|med|count|rate)(?![\w(]))/;
const CONDITION = /^(p\s*\(\s*([^)]*?)\s*\)|[A-Za-z_][\w.]*(?:\([^)]*\))?)\s*(<=|>=|==|!=|<|>|=>|=<|=|!)?\s*(.*)$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const OPS: readonly ThresholdOp[] = ['<', '<=', '>', '>=', '==', '!='];

/** Parses one expression into one spec per condition; throws ThresholdSyntaxError. */
export function parseThreshold(expression: string): ThresholdSpec[] {
  const text = expression.trim();
  if (!text) throw new ThresholdSyntaxError(expression, 'empty expression');
  const colon = metricColon(text);
  if (colon < 0) {
    if (!text.includes(':')) {
      throw new ThresholdSyntaxError(expression, "missing ':' between metric and condition (e.g. 'http_req_duration: p(95)<500')");
    }
    const after = text.slice(text.lastIndexOf(':') + 1).trim();
    throw new ThresholdSyntaxError(expression, unknownAggregation(quoteWord(after)));
  }
  const metric = text.slice(0, colon).trim();
  if (!metric) throw new ThresholdSyntaxError(expression, 'missing metric name before the colon');
  const conditions = text.slice(colon + 1).split(',').map((c) => c.trim());
  const many = conditions.length > 1;
  return conditions.map((cond) => {
    const { aggregation, op, value } = parseCondition(expression, cond);
    return { source: many ? `${metric}: ${cond}` : text, metric, aggregation, op, value };
  });
}

/** Parses every expression; specs in order. */
export function parseThresholds(expressions: string[]): ThresholdSpec[] {
  return expressions.flatMap((e) => parseThreshold(e));
}

/** Index of the last ':' followed by an aggregation, -1 when there is none. */
function metricColon(text: string): number {
  for (let i = text.lastIndexOf(':'); i >= 0; i = i === 0 ? -1 : text.lastIndexOf(':', i - 1)) {
    if (AGG_START.test(text.slice(i + 1))) return i;
  }
  return -1;
}

function parseCondition(expression: string, cond: string): { aggregation: string; op: ThresholdOp; value: number } {
  if (!cond) throw new ThresholdSyntaxError(expression, 'empty condition (stray comma?)');
  const m = CONDITION.exec(cond);
  if (!m) throw new ThresholdSyntaxError(expression, `cannot parse condition '${cond}' (expected e.g. p(95)<500)`);
  const [, aggText, pArg, opText, valueText] = m;
  if (pArg === undefined && /^p\s*\(/.test(cond)) {
    throw new ThresholdSyntaxError(expression, `unclosed 'p(' in condition '${cond}'`);
  }
  const aggregation = normalizeAggregation(expression, aggText, pArg);
  if (!opText) {
    throw new ThresholdSyntaxError(expression, `missing operator after '${aggregation}' (expected one of ${OPS.join(' ')})`);
  }
  if (!(OPS as readonly string[]).includes(opText)) {
    const hint = opText === '=' ? " (use '==')" : opText === '=>' ? " (use '>=')" : opText === '=<' ? " (use '<=')" : '';
    throw new ThresholdSyntaxError(expression, `unknown operator '${opText}'${hint}`);
  }
  const raw = valueText.trim();
  if (!raw) throw new ThresholdSyntaxError(expression, `missing number after '${aggregation}${opText}'`);
  if (!NUMBER.test(raw)) throw new ThresholdSyntaxError(expression, `'${raw}' is not a number`);
  return { aggregation, op: opText as ThresholdOp, value: Number(raw) };
}

function normalizeAggregation(expression: string, aggText: string, pArg: string | undefined): string {
  if (pArg !== undefined) {
    if (!NUMBER.test(pArg)) throw new ThresholdSyntaxError(expression, `percentile '${pArg}' in p(...) is not a number`);
    const n = Number(pArg);
    if (!(n > 0 && n <= 100)) throw new ThresholdSyntaxError(expression, `percentile ${pArg} out of range (0, 100]`);
    return `p(${n})`;
  }
  if ((AGGREGATIONS as readonly string[]).includes(aggText)) return aggText;
  throw new ThresholdSyntaxError(expression, unknownAggregation(quoteWord(aggText)));
}

function unknownAggregation(word: string): string {
  const short = /^'p(\d+(\.\d+)?)'$/.exec(word);
  const hint = short ? ` (did you mean p(${short[1]})?)` : ' (expected p(N), avg, min, max, med, count or rate)';
  if (word === '(none)') return `missing aggregation after ':'${hint}`;
  return `unknown aggregation ${word}${hint}`;
}

function quoteWord(s: string): string {
  const word = /^[^\s<>=!,]*/.exec(s)?.[0] ?? '';
  return word ? `'${word}'` : '(none)';
}

/** `p(99.9)` → 99.9, undefined for other aggregations. */
export function percentileOf(aggregation: string): number | undefined {
  const m = /^p\((.+)\)$/.exec(aggregation);
  return m ? Number(m[1]) : undefined;
}
