import { describe, expect, it } from 'vitest';
import { ThresholdSyntaxError, parseThreshold, parseThresholds, percentileOf } from '../../src/thresholds/parse.js';

describe('parseThreshold', () => {
  it.each([
    ['POST /v1/files [upload]: p(99)<800', 'POST /v1/files [upload]', 'p(99)', '<', 800],
    ['batch_turnaround: p(95)<60000', 'batch_turnaround', 'p(95)', '<', 60000],
    ['errors: rate<0.01', 'errors', 'rate', '<', 0.01],
    ['integrity: count==0', 'integrity', 'count', '==', 0],
    ['http_req_duration: p(95)<500', 'http_req_duration', 'p(95)', '<', 500],
    ['ttft: p(50)<=250', 'ttft', 'p(50)', '<=', 250],
    ['overhead: p(99)<10', 'overhead', 'p(99)', '<', 10],
    ['batch_status:validating: avg<5000', 'batch_status:validating', 'avg', '<', 5000],
    ['GET /v1/batches/{batch_id} [poll]: max >= 1.5e3', 'GET /v1/batches/{batch_id} [poll]', 'max', '>=', 1500],
    ['errors:rate!=1', 'errors', 'rate', '!=', 1],
    ['  x : min > -2 ', 'x', 'min', '>', -2],
    ['x: med<.5', 'x', 'med', '<', 0.5],
    ['x: p(99.9)<100', 'x', 'p(99.9)', '<', 100],
    ['x: p( 95.0 )<100', 'x', 'p(95)', '<', 100],
    ['x: p(100)<100', 'x', 'p(100)', '<', 100],
    ['a: b: count>3', 'a: b', 'count', '>', 3],
  ])('%s', (expr, metric, aggregation, op, value) => {
    const [spec, ...rest] = parseThreshold(expr);
    expect(rest).toEqual([]);
    expect(spec).toEqual({ source: expr.trim(), metric, aggregation, op, value });
  });

  it('splits several conditions into several specs', () => {
    expect(parseThreshold('http_req_duration: p(95)<500, p(99)<1000,avg<200')).toEqual([
      { source: 'http_req_duration: p(95)<500', metric: 'http_req_duration', aggregation: 'p(95)', op: '<', value: 500 },
      { source: 'http_req_duration: p(99)<1000', metric: 'http_req_duration', aggregation: 'p(99)', op: '<', value: 1000 },
      { source: 'http_req_duration: avg<200', metric: 'http_req_duration', aggregation: 'avg', op: '<', value: 200 },
    ]);
  });

  it('parses a list', () => {
    expect(parseThresholds(['errors: rate<0.01', 'x: count>1, count<5'])).toHaveLength(3);
  });

  it.each([
    ['', 'empty expression'],
    ['http_req_duration p(95)<500', "missing ':' between metric and condition"],
    ['http_req_duration: p95<500', "unknown aggregation 'p95' (did you mean p(95)?)"],
    ['http_req_duration: mean<500', "unknown aggregation 'mean'"],
    ['http_req_duration:', "missing aggregation after ':'"],
    [': p(95)<500', 'missing metric name'],
    ['x: p(0)<5', 'percentile 0 out of range (0, 100]'],
    ['x: p(101)<5', 'percentile 101 out of range (0, 100]'],
    ['x: p(abc)<5', "percentile 'abc' in p(...) is not a number"],
    ['x: p()<5', "percentile '' in p(...) is not a number"],
    ['x: p(95<5', "unclosed 'p('"],
    ['x: p(95)', "missing operator after 'p(95)'"],
    ['x: p(95)=5', "unknown operator '=' (use '==')"],
    ['x: p(95)=>5', "unknown operator '=>' (use '>=')"],
    ['x: p(95)<', "missing number after 'p(95)<'"],
    ['x: p(95)<500ms', "'500ms' is not a number"],
    ['x: p(95)<5,', 'empty condition (stray comma?)'],
    ['x: p(95)<5, foo<3', "unknown aggregation 'foo'"],
  ])('rejects %j', (expr, message) => {
    let err: unknown;
    try {
      parseThreshold(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ThresholdSyntaxError);
    const e = err as ThresholdSyntaxError;
    expect(e.message).toContain(message);
    expect(e.message.startsWith(`invalid threshold ${JSON.stringify(expr)}: `)).toBe(true);
    expect(e.message).not.toContain('\n');
    expect(e.expression).toBe(expr);
  });

  it('keeps the message on one line for multi-line input', () => {
    expect(() => parseThreshold('x:\np(95)=5')).toThrow(/^invalid threshold "x:\\np\(95\)=5": unknown operator/);
  });
});

describe('percentileOf', () => {
  it('extracts N from p(N)', () => {
    expect(percentileOf('p(99.9)')).toBe(99.9);
    expect(percentileOf('avg')).toBeUndefined();
  });
});
