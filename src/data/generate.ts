/**
 * `batch-load data`: writes a Batch API input file (JSONL) line by line, streamed to disk: synthetic
 * prompts of seeded lengths, or the prompts of a text/JSONL file. Every line has a fresh
 * custom_id, and the file passes the tester's own input validation (config/data-file.ts). The
 * API's limits (50,000 lines, 200 MB) are refused with one line; nothing is kept in memory but
 * the line being written.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, unlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { ConfigError } from '../config/errors.js';
import { MAX_BATCH_BYTES, MAX_BATCH_LINES } from '../config/data-file.js';
import { createRandom } from '../engine/random.js';
import { approxTokens, CHARS_PER_TOKEN } from '../util/tokens.js';
import { lengthSampler, type LengthSpec } from './lengths.js';
import { TextPool } from './text.js';

export const DATA_ENDPOINTS = {
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  completions: '/v1/completions',
  embeddings: '/v1/embeddings',
} as const;
export type DataEndpoint = keyof typeof DATA_ENDPOINTS;

export interface GenerateOptions {
  endpoint: DataEndpoint;
  output: string;
  /** lines to write (synthetic), or at most this many (from a prompts file) */
  lines?: number;
  promptTokens: LengthSpec;
  outputTokens?: LengthSpec;
  sharedPrefixTokens: number;
  model?: string;
  seed?: number;
  /** a text (one prompt per line) or JSONL file of prompts */
  from?: string;
}

export interface GenerateSummary {
  path: string;
  endpoint: string;
  lines: number;
  bytes: number;
  promptTokens: { mean: number; min: number; max: number };
  outputTokens?: { mean: number; min: number; max: number };
}

const DEFAULT_MODEL: Record<DataEndpoint, string> = {
  chat: 'gpt-4o-mini',
  responses: 'gpt-4o-mini',
  completions: 'gpt-4o-mini',
  embeddings: 'text-embedding-3-small',
};

/** JSON overhead of a line besides its prompt (custom_id, url, model, max_tokens ...), for the size estimate. */
const LINE_OVERHEAD_BYTES = 160;

class Tally {
  n = 0;
  sum = 0;
  min = Infinity;
  max = 0;
  add(v: number) {
    this.n++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  get summary() {
    return { mean: this.n ? this.sum / this.n : 0, min: this.n ? this.min : 0, max: this.max };
  }
}

/** One request line's body for an endpoint. `prompt` is a string, or chat messages from a prompts file. */
function body(endpoint: DataEndpoint, model: string, prompt: string | unknown[], maxTokens: number | undefined): Record<string, unknown> {
  switch (endpoint) {
    case 'chat':
      return { model, messages: typeof prompt === 'string' ? [{ role: 'user', content: prompt }] : prompt, ...(maxTokens ? { max_tokens: maxTokens } : {}) };
    case 'responses':
      return { model, input: prompt, ...(maxTokens ? { max_output_tokens: maxTokens } : {}) };
    case 'completions':
      return { model, prompt, ...(maxTokens ? { max_tokens: maxTokens } : {}) };
    case 'embeddings':
      return { model, input: prompt };
  }
}

/** A prompt from one line of a prompts file: JSON (a string, {prompt|text|input|content}, {messages}) or plain text. */
function promptOf(line: string, endpoint: DataEndpoint, where: string): string | unknown[] | undefined {
  const t = line.trim();
  if (t === '') return undefined;
  if (!t.startsWith('{') && !t.startsWith('"')) return t;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return t;
  }
  if (typeof v === 'string') return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.messages)) {
    if (endpoint !== 'chat') throw new ConfigError(`${where}: 'messages' prompts need --endpoint chat`);
    return o.messages;
  }
  for (const k of ['prompt', 'text', 'input', 'content']) if (typeof o[k] === 'string') return o[k] as string;
  throw new ConfigError(`${where}: expected a string or an object with prompt, text, input, content or messages`);
}

function textOf(prompt: string | unknown[]): string {
  if (typeof prompt === 'string') return prompt;
  return prompt.map((m) => (typeof (m as { content?: unknown }).content === 'string' ? (m as { content: string }).content : '')).join('');
}

export async function generateBatchFile(opts: GenerateOptions): Promise<GenerateSummary> {
  const url = DATA_ENDPOINTS[opts.endpoint];
  const model = opts.model ?? DEFAULT_MODEL[opts.endpoint];
  const lines = opts.lines;
  if (lines !== undefined && lines > MAX_BATCH_LINES) throw new ConfigError(`--lines: at most ${MAX_BATCH_LINES} (the Batch API's limit per file), got ${lines}`);
  if (!opts.from) {
    if (lines === undefined) throw new ConfigError('--lines: how many lines to generate (or --from PROMPTS)');
    const estimate = lines * (opts.promptTokens.mean * CHARS_PER_TOKEN + LINE_OVERHEAD_BYTES);
    if (estimate > MAX_BATCH_BYTES) {
      throw new ConfigError(`would write about ${(estimate / 1e6).toFixed(0)} MB, over the Batch API's 200 MB per file: fewer --lines or shorter --prompt-tokens`);
    }
  }
  const random = createRandom(opts.seed);
  const outputLength = opts.outputTokens && opts.endpoint !== 'embeddings' ? lengthSampler(opts.outputTokens, random) : undefined;
  const promptLength = lengthSampler(opts.promptTokens, random);
  const maxChars = (opts.promptTokens.mean + 4 * opts.promptTokens.sd) * CHARS_PER_TOKEN;
  const pool = opts.from ? undefined : new TextPool(random, Math.max(1 << 20, 2 * maxChars));
  // a fresh id prefix per file (seeded files get a stable one): ids never collide across files
  const idPrefix = opts.seed !== undefined ? `req-s${opts.seed}` : `req-${randomBytes(4).toString('hex')}`;

  const out = createWriteStream(opts.output);
  const opened = once(out, 'open');
  opened.catch(() => undefined);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let bytes = 0;
  let written = 0;
  const prompts = new Tally();
  const outputs = new Tally();
  const write = async (prompt: string | unknown[]) => {
    written++;
    const maxTokens = outputLength?.();
    if (maxTokens !== undefined) outputs.add(maxTokens);
    prompts.add(approxTokens(textOf(prompt)));
    const line = `${JSON.stringify({ custom_id: `${idPrefix}-${written}`, method: 'POST', url, body: body(opts.endpoint, model, prompt, maxTokens) })}\n`;
    bytes += Buffer.byteLength(line);
    if (bytes > MAX_BATCH_BYTES) throw new ConfigError(`line ${written} takes the file past the Batch API's 200 MB per file: fewer --lines or shorter prompts`);
    if (!out.write(line)) await Promise.race([once(out, 'drain'), failed]);
  };

  try {
    await Promise.race([opened, failed]);
    if (opts.from) {
      const input = createInterface({ input: createReadStream(opts.from), crlfDelay: Infinity });
      let n = 0;
      for await (const raw of input) {
        n++;
        const prompt = promptOf(n === 1 ? raw.replace(/^\uFEFF/, '') : raw, opts.endpoint, `${opts.from}, line ${n}`);
        if (prompt === undefined) continue;
        if (written >= (lines ?? MAX_BATCH_LINES)) {
          if (lines === undefined) throw new ConfigError(`${opts.from} has more than ${MAX_BATCH_LINES} prompts, the Batch API's limit per file: pass --lines`);
          break;
        }
        await write(prompt);
      }
      if (written === 0) throw new ConfigError(`${opts.from} has no prompts`);
    } else {
      for (let i = 1; i <= lines!; i++) {
        const offset = Math.floor(random() * pool!.size);
        await write(pool!.prompt(promptLength(), opts.sharedPrefixTokens, `${idPrefix}-${i}`, offset));
      }
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (err) {
    out.destroy();
    try {
      unlinkSync(opts.output);
    } catch {
      // nothing written yet
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && opts.from) throw new ConfigError(`--from: ${opts.from} does not exist`);
    if ((err as NodeJS.ErrnoException).code) throw new ConfigError(`--output: cannot write ${opts.output}: ${(err as Error).message}`);
    throw err;
  }
  return {
    path: opts.output,
    endpoint: url,
    lines: written,
    bytes,
    promptTokens: prompts.summary,
    ...(outputs.n ? { outputTokens: outputs.summary } : {}),
  };
}
