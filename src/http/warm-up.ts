/**
 * Warms the request path before a run's clock starts, against a loopback server of our own
 * (never the target: nothing is sent to it, nothing counted in the run). The first requests of
 * a process pay one-off costs: V8 compiles each function of the path (the client, the parser,
 * the response body, the recorder) on first use and optimizes it once hot. Without this, a run's
 * first burst of requests measured about 100 ms above the wire time.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Recorder } from '../metrics/types.js';
import { HttpClient } from './client.js';

/** A reply shaped like a small chat completion: the JSON parse is part of the path. */
const REPLY_BODY = JSON.stringify({
  id: 'chatcmpl-warm',
  object: 'chat.completion',
  created: 0,
  model: 'warm-up',
  choices: [{ index: 0, message: { role: 'assistant', content: 'warm' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const REPLY = Buffer.from(
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${REPLY_BODY.length}\r\nkeep-alive: timeout=5\r\n\r\n${REPLY_BODY}`,
  'latin1',
);
const BODY = JSON.stringify({ model: 'warm-up', messages: [{ role: 'user', content: 'warm' }], max_tokens: 1 });
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer warm-up' };

/**
 * The loopback server: answers each request it reads (a head, plus a Content-Length body) with
 * REPLY. It only ever talks to our own client, so it reads only what that client writes.
 */
function serveReplies(socket: Socket): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buf.toString('latin1', 0, end).toLowerCase();
      const at = head.indexOf('content-length:');
      const length = at === -1 ? 0 : Number.parseInt(head.slice(at + 15), 10);
      if (buf.length < end + 4 + length) return;
      buf = buf.subarray(end + 4 + length);
      socket.write(REPLY);
    }
  });
}

export interface WarmUpOptions {
  /** requests in all (fewer if the budget runs out) */
  requests: number;
  /** at once, each on its own connection */
  concurrency: number;
  /** stop after this long, ms */
  budgetMs: number;
  /** where the warm-up requests are recorded: a throwaway recorder, never the run's */
  recorder: Recorder;
  signal?: AbortSignal;
}

/** Runs the warm-up; resolves with the requests that completed. */
export async function warmUpRequestPath(opts: WarmUpOptions): Promise<number> {
  const server = createServer(serveReplies);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
  const client = new HttpClient({ recorder: opts.recorder, requestTimeoutMs: 5_000, connections: opts.concurrency });
  const deadline = performance.now() + opts.budgetMs;
  let sent = 0;
  let done = 0;
  const user = async (id: number) => {
    const http = client.forUser(id);
    while (sent < opts.requests && performance.now() < deadline && !opts.signal?.aborted) {
      sent++;
      const get = sent % 8 === 0;
      const out = await http.call(
        get ? { name: 'GET warm-up', method: 'GET', url, headers: HEADERS } : { name: 'POST warm-up', method: 'POST', url, headers: HEADERS, body: BODY },
        async (res) => {
          res.header('content-type');
          return res.body.json();
        },
      );
      if (out.ok) done++;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, (_, i) => user(i + 1)));
  } finally {
    client.close(true);
    await new Promise((resolve) => server.close(resolve));
  }
  return done;
}
