/**
 * A small HTTP reverse proxy for tests: waits `delayMs` before forwarding each request to the
 * upstream, then pipes the response back as it arrives (streaming-capable: SSE chunks are not
 * buffered). Stands in for a gateway whose only overhead is a known delay, so the tester's
 * proxy-overhead report should show about `delayMs`.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayProxy {
  url: string;
  /** requests forwarded so far */
  forwarded(): number;
  close(): Promise<void>;
}

export interface DelayProxyOptions {
  /** upstream origin, e.g. http://127.0.0.1:4010 */
  upstream: string;
  /** the delay of every request, or of the n-th (0-based, in arrival order) */
  delayMs: number | ((n: number) => number);
  /** header the proxy adds to each response with the time it held the request, like LiteLLM's */
  overheadHeader?: string;
}

export async function startDelayProxy(opts: DelayProxyOptions): Promise<DelayProxy> {
  const upstream = new URL(opts.upstream);
  let forwarded = 0;
  let arrived = 0;
  const delayOf = typeof opts.delayMs === 'number' ? () => opts.delayMs as number : opts.delayMs;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const delay = delayOf(arrived++);
    setTimeout(() => {
      forwarded++;
      // what the proxy itself added before forwarding (the delay, plus timer lateness)
      const heldMs = performance.now() - started;
      const headers = { ...req.headers, host: upstream.host };
      const up = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (upRes) => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(upRes.headers)) if (v !== undefined) out[k] = v;
          if (opts.overheadHeader) out[opts.overheadHeader] = heldMs.toFixed(3);
          res.writeHead(upRes.statusCode ?? 502, out);
          res.flushHeaders();
          upRes.pipe(res);
          // an upstream that dies mid-body kills the client side too (no silent truncation)
          upRes.on('error', () => res.destroy());
          upRes.on('aborted', () => res.destroy());
        },
      );
      up.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      });
      req.pipe(up);
    }, delay);
  };

  const server = createServer(handle);
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded: () => forwarded,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
