/**
 * `online-lines`: each iteration sends the next line of the batch input file (--data) as an
 * online request: its `body` to its `url` under the API base (`/v1/chat/completions` →
 * `{base}/chat/completions`), checked as a batch line's body is (line-checks.ts). After the last
 * line it starts over from the first. It is the online half of --compare-online, and a way to
 * replay a batch file's prompts against the online endpoints.
 *
 * The file is read forward in chunks as lines are needed (one chunk and its lines in memory),
 * whatever its size.
 */
import { open } from 'node:fs/promises';
import type { RunConfig } from '../../config/types.js';
import { CheckFailure } from '../../http/errors.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import { checkLineBody } from './line-checks.js';
import { LineSplitter } from './stream-lines.js';

export const ONLINE_LINES_TAG = 'online line';
export const ONLINE_LINES_TOKENS = 'online_lines_output_tokens';
const CHUNK_BYTES = 256 * 1024;

/** Lines of a file, read forward chunk by chunk and round again after the last; calls are queued. */
export class LineSource {
  private pos = 0;
  private lines: string[] = [];
  private next = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly splitter = new LineSplitter((line) => {
    if (line.trim() !== '') this.lines.push(line);
  });
  private firstLine = true;

  constructor(private readonly path: string) {}

  /** The next non-blank line. */
  take(): Promise<string> {
    const p = this.chain.then(() => this.read());
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async read(): Promise<string> {
    let wrapped = false;
    while (this.next >= this.lines.length) {
      this.lines = [];
      this.next = 0;
      const fh = await open(this.path, 'r');
      let n: number;
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, CHUNK_BYTES, this.pos));
      } finally {
        await fh.close();
      }
      if (n === 0) {
        this.splitter.end();
        if (this.lines.length > 0) break;
        if (wrapped) throw new Error(`${this.path} has no lines`);
        wrapped = true;
        this.pos = 0;
        this.firstLine = true;
        continue;
      }
      let chunk = buf.subarray(0, n);
      // a UTF-8 byte order mark is no part of the first line
      if (this.firstLine && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
      this.firstLine = false;
      this.pos += n;
      this.splitter.push(chunk);
    }
    return this.lines[this.next++]!;
  }
}

export function createOnlineLinesScenario(config: RunConfig, apiBase: string): Scenario {
  const input = config.batch;
  if (!input) throw new Error('online-lines needs a data file');
  const source = new LineSource(input.path);
  const apiPath = new URL(apiBase).pathname.replace(/\/+$/, '');
  // the file's lines share one endpoint (validated at start-up)
  const path = input.endpoint.replace(/^.*\/v1(?=\/)/, '');
  const url = `${apiBase}${path}`;
  const name = `POST ${apiPath}${path} [${ONLINE_LINES_TAG}]`;

  async function run(ctx: ScenarioContext): Promise<IterationOutcome> {
    const line = JSON.parse(await source.take()) as { body: unknown };
    const out = await ctx.http.call(
      {
        name,
        method: 'POST',
        url,
        headers: { ...ctx.authHeaders, 'content-type': 'application/json' },
        body: JSON.stringify(line.body),
        intendedStartMs: ctx.scheduledAtMs,
      },
      async (res) => {
        const body: unknown = await res.body.json();
        try {
          return checkLineBody(input!.endpoint, body).outputTokens ?? 0;
        } catch (err) {
          throw err instanceof CheckFailure ? err : new CheckFailure('unexpected response shape');
        }
      },
    );
    if (!out.ok) return { ok: false, reason: out.error };
    if (out.value > 0) ctx.recorder.count(ONLINE_LINES_TOKENS, out.value);
    return { ok: true };
  }

  return { name: 'online-lines', run, counters: [ONLINE_LINES_TOKENS] };
}
