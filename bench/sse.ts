/**
 * `npm run bench:sse`: the cost of parsing Server-Sent Events on the streaming hot path, our
 * SseParser (src/http/sse.ts, what the chat and responses readers use: eventsource-parser behind
 * a push/end interface, bytes decoded with StringDecoder) against eventsource-parser fed directly
 * (bytes decoded with TextDecoder, or with StringDecoder), in the same process. README's
 * Benchmarks section has the figures of the hand-written parser SseParser replaced.
 *
 * Streams as the mock and OpenAI-compatible servers write them: a chat completion stream (one
 * `data: {chat.completion.chunk}` per token, usage, `[DONE]`) and a Responses stream
 * (`event: response.output_text.delta` + `data:` per token, framing events), with some
 * multi-byte UTF-8 in the text. Each is cut three ways: one event per chunk (a server writing
 * token by token), random chunks of 1–1500 bytes (lines and UTF-8 characters split anywhere), and
 * 16 KiB chunks (bulk reads). Every stream gets a fresh parser, as every request does.
 *
 * Prints ns per event and MB/s, medians of --runs interleaved runs (parsers in rotating order),
 * and each parser's ratio to SseParser. Pinned to CPU 1 with taskset when available.
 *
 * Options: --runs 7 --events 400 (content events per stream) --ms 150 (per measurement)
 */
import { spawnSync } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { SseParser } from '../src/http/sse.js';
import { SSE_DONE, sseData, sseEvent } from '../src/mock/inference/sse.js';
import { createRng } from '../src/mock/util/rng.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// Re-run pinned to one CPU (as the other benches pin theirs), unless already pinned.
if (process.env.BENCH_SSE_PINNED === undefined && spawnSync('taskset', ['-c', '1', 'true']).status === 0) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync('taskset', ['-c', '1', process.execPath, '--import', 'tsx', self, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_SSE_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}
if (process.env.BENCH_SSE_PINNED === undefined) process.stderr.write('warning: taskset not available, not pinned\n');

const RUNS = flag('runs', 7);
const EVENTS = flag('events', 400);
const MEASURE_MS = flag('ms', 150);

// ---- streams ------------------------------------------------------------------------------

const WORDS = ' the| model| answered| quickly|,| café| naïve| 世界| 🌍| and| then| stopped|.| token| stream'.split('|');
const word = (i: number) => JSON.stringify(WORDS[(i * 7) % WORDS.length]);

function chatStream(n: number): string {
  const head =
    '{"id":"chatcmpl-3f9c1d2e4b5a6978","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini-2024-07-18",' +
    '"service_tier":"default","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":';
  const chunk = (delta: string, finish: string) => sseData(`${head}${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null}`);
  let s = chunk('{"role":"assistant","content":"","refusal":null}', 'null');
  for (let i = 0; i < n; i++) s += chunk(`{"content":${word(i)}}`, 'null');
  s += chunk('{}', '"stop"');
  s += sseData(`${head.slice(0, head.indexOf('"choices"'))}"choices":[],"usage":{"prompt_tokens":19,"completion_tokens":${n},"total_tokens":${n + 19}}}`);
  return s + SSE_DONE;
}

function responsesStream(n: number): string {
  const id = 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b';
  const item = 'msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b';
  const response = (status: string) => `{"id":"${id}","object":"response","created_at":1767225600,"status":"${status}","model":"gpt-4o-mini","output":[]}`;
  let seq = 0;
  const ev = (type: string, body: string) => sseEvent(type, `{"type":"${type}",${body},"sequence_number":${seq++}}`);
  let s = ev('response.created', `"response":${response('in_progress')}`);
  s += ev('response.in_progress', `"response":${response('in_progress')}`);
  s += ev('response.output_item.added', `"output_index":0,"item":{"id":"${item}","type":"message","status":"in_progress","content":[],"role":"assistant"}`);
  s += ev('response.content_part.added', `"item_id":"${item}","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}`);
  for (let i = 0; i < n; i++) s += ev('response.output_text.delta', `"item_id":"${item}","output_index":0,"content_index":0,"delta":${word(i)}`);
  s += ev('response.output_text.done', `"item_id":"${item}","output_index":0,"content_index":0,"text":"…"`);
  s += ev('response.completed', `"response":${response('completed')}`);
  return s;
}

interface Case {
  stream: string;
  chunking: string;
  chunks: Buffer[];
  bytes: number;
  events: number;
}

function cut(bytes: Buffer, sizes: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = Math.min(bytes.length, at + sizes());
    out.push(bytes.subarray(at, end));
    at = end;
  }
  return out;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const [stream, text] of [
    ['chat', chatStream(EVENTS)],
    ['responses', responsesStream(EVENTS)],
  ] as const) {
    const bytes = Buffer.from(text);
    const events = text.split('\n\n').length - 1;
    const rng = createRng(42);
    const perEvent = text
      .split(/(?<=\n\n)/)
      .map((e) => Buffer.from(e));
    for (const [chunking, chunks] of [
      ['event per chunk', perEvent],
      ['random 1–1500 B', cut(bytes, () => 1 + Math.floor(rng.next() * 1500))],
      ['16 KiB chunks', cut(bytes, () => 16 * 1024)],
    ] as const) {
      out.push({ stream, chunking, chunks, bytes: bytes.length, events });
    }
  }
  return out;
}

// ---- parsers ------------------------------------------------------------------------------

/** Parses one whole stream with a fresh parser; returns the events seen (and sums data lengths). */
type Parse = (chunks: Buffer[]) => number;
let sink = 0;

const PARSERS: Record<string, Parse> = {
  'SseParser (src/http/sse.ts)': (chunks) => {
    let n = 0;
    const p = new SseParser((e) => {
      n++;
      sink += e.data.length;
    });
    for (const c of chunks) p.push(c);
    p.end();
    return n;
  },
  'eventsource-parser + TextDecoder': (chunks) => {
    let n = 0;
    const decoder = new TextDecoder();
    const p = createParser({
      onEvent: (e) => {
        n++;
        sink += e.data.length;
      },
    });
    for (const c of chunks) p.feed(decoder.decode(c, { stream: true }));
    p.feed(decoder.decode());
    p.reset({ consume: true });
    return n;
  },
  'eventsource-parser + StringDecoder': (chunks) => {
    let n = 0;
    const decoder = new StringDecoder('utf8');
    const p = createParser({
      onEvent: (e) => {
        n++;
        sink += e.data.length;
      },
    });
    for (const c of chunks) p.feed(decoder.write(c));
    p.feed(decoder.end());
    p.reset({ consume: true });
    return n;
  },
};

/** ns per event of one measurement: whole streams, repeated for about MEASURE_MS. */
function measure(parse: Parse, c: Case, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) if (parse(c.chunks) !== c.events) throw new Error(`event count differs (${c.stream}, ${c.chunking})`);
  return Number(process.hrtime.bigint() - t0) / (reps * c.events);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function main(): void {
  const names = Object.keys(PARSERS);
  process.stdout.write(
    `bench:sse  ${EVENTS} content events per stream, fresh parser per stream, medians of ${RUNS} interleaved runs\n\n` +
      `${'stream'.padEnd(10)} ${'chunking'.padEnd(16)} ${'parser'.padEnd(36)} ${'ns/event'.padStart(9)} ${'MB/s'.padStart(7)} ${'vs SseParser'.padStart(12)}\n`,
  );
  for (const c of cases()) {
    // warm up every parser on this case and size the repetitions to about MEASURE_MS each
    const reps: Record<string, number> = {};
    for (const name of names) {
      measure(PARSERS[name]!, c, 20);
      const ns = measure(PARSERS[name]!, c, 50);
      reps[name] = Math.max(5, Math.round((MEASURE_MS * 1e6) / (ns * c.events)));
    }
    const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let run = 0; run < RUNS; run++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(run + k) % names.length]!;
        samples[name]!.push(measure(PARSERS[name]!, c, reps[name]!));
      }
    }
    const ours = median(samples[names[0]!]!);
    for (const name of names) {
      const ns = median(samples[name]!);
      const mbps = (c.bytes / c.events / ns) * 1e3;
      process.stdout.write(
        `${c.stream.padEnd(10)} ${c.chunking.padEnd(16)} ${name.padEnd(36)} ${ns.toFixed(0).padStart(9)} ${mbps.toFixed(0).padStart(7)} ${`${(ns / ours).toFixed(2)}×`.padStart(12)}\n`,
      );
    }
  }
  if (sink === 0) process.stdout.write('(no data seen)\n');
}

main();
