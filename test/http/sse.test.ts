import { describe, expect, it } from 'vitest';
import { parseSse, SseParser, type SseEvent } from '../../src/http/sse.js';

/** Splits bytes at the given offsets. */
function splitAt(buf: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Deterministic PRNG so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STREAM = [
  ': keep-alive comment',
  '',
  'event: response.created',
  'data: {"type":"response.created","n":1}',
  '',
  'data: {"delta":"héllo 🌍 世界"}',
  '',
  'data: line one',
  'data: line two',
  'data:no-space',
  '',
  'id: 7',
  'event: custom',
  'data: ü',
  '',
  'event: ignored-without-data',
  '',
  'data: [DONE]',
  '',
  '',
];

/**
 * `event` and `id` are each event's own fields (eventsource-parser), absent when the event had
 * none: `id` is not the spec's "last event ID" carried over to later events (the hand-written
 * parser this replaced carried it over; no reader uses ids).
 */
const EXPECTED: SseEvent[] = [
  { event: 'response.created', data: '{"type":"response.created","n":1}' },
  { data: '{"delta":"héllo 🌍 世界"}' },
  { data: 'line one\nline two\nno-space' },
  { event: 'custom', data: 'ü', id: '7' },
  { data: '[DONE]' },
];

describe('SseParser', () => {
  for (const [label, eol] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`parses a whole ${label} stream in one chunk`, () => {
      expect(parseSse([Buffer.from(STREAM.join(eol))])).toEqual(EXPECTED);
    });

    it(`gives the same events for every single split point (${label})`, () => {
      const bytes = Buffer.from(STREAM.join(eol));
      for (let i = 0; i <= bytes.length; i++) {
        expect(parseSse(splitAt(bytes, [i]))).toEqual(EXPECTED);
      }
    });

    it(`survives byte-by-byte and random chunking (${label})`, () => {
      const bytes = Buffer.from(STREAM.join(eol));
      const oneByOne = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
      expect(parseSse(oneByOne)).toEqual(EXPECTED);
      const rnd = lcg(42);
      for (let round = 0; round < 200; round++) {
        const cuts = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => Math.floor(rnd() * bytes.length));
        expect(parseSse(splitAt(bytes, cuts))).toEqual(EXPECTED);
      }
    });
  }

  it('handles mixed line endings and CR at a chunk edge followed by LF', () => {
    const events = parseSse(['data: a\r', '\ndata: b\r\n', '\r', '\n', 'data: c\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a\nb', 'c']);
  });

  it('strips a leading BOM, even when split', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: x\n\n')]);
    expect(parseSse(splitAt(bytes, [1, 2])).map((e) => e.data)).toEqual(['x']);
  });

  it('dispatches a final event with complete lines but no blank line, drops a partial line', () => {
    const events: SseEvent[] = [];
    const p = new SseParser((e) => events.push(e));
    p.push('data: [DONE]\n');
    expect(p.end()).toBe(false);
    expect(events.map((e) => e.data)).toEqual(['[DONE]']);

    const cut: SseEvent[] = [];
    const q = new SseParser((e) => cut.push(e));
    q.push('data: {"a":1}\n\ndata: {"trunc');
    expect(q.end()).toBe(true);
    expect(cut.map((e) => e.data)).toEqual(['{"a":1}']);
  });

  it('drops a final event whose last line was cut, with its complete lines (the spec; the hand-written parser dispatched them)', () => {
    const events = parseSse(['data: {"a":1}\n\ndata: a\ndata: {"tru']);
    expect(events.map((e) => e.data)).toEqual(['{"a":1}']);
  });

  it('ends a final event on a trailing CR (the parser holds a CR back until it knows whether LF follows)', () => {
    expect(parseSse(['data: x\r']).map((e) => e.data)).toEqual(['x']);
    expect(parseSse(['data: x\r', '\r']).map((e) => e.data)).toEqual(['x']);
  });

  it('ignores comments, retry and unknown fields', () => {
    expect(parseSse([': ping\nretry: 10\nfoo: bar\nretry: x\ndata: y\n\n'])).toEqual([{ data: 'y' }]);
  });

  it('keeps an empty data field as an event and a field with no colon', () => {
    expect(parseSse(['data\n\ndata:\n\n']).map((e) => e.data)).toEqual(['', '']);
  });

  it('does not mangle a 4-byte character split over three chunks', () => {
    const bytes = Buffer.from('data: 🎉🎉\n\n');
    const i = bytes.indexOf(0xf0);
    expect(parseSse(splitAt(bytes, [i + 1, i + 3, i + 5])).map((e) => e.data)).toEqual(['🎉🎉']);
  });
});
