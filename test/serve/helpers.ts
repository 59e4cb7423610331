/** Shared helpers for the serve tests: a server on loopback, an authenticated client, captured logs. */
import { startServeServer, type ServeOptions, type ServeServer } from '../../src/serve/server.js';

export const TOKEN = 'serve-test-token-7f3c9a1e5b';

/** Fast test bodies: short runs, no think time, quick batch polling, short grace. */
export const FAST = { duration_seconds: 1, wait_min: 0, wait_max: 0, stop_timeout: '2s' } as const;
export const FAST_BATCH = { ...FAST, duration_seconds: 1.5, poll_interval: '100ms', poll_max_interval: '200ms' } as const;

export interface Harness {
  server: ServeServer;
  url: string;
  logs: string[];
  /** every response body text seen by `call` */
  bodies: string[];
  call(method: string, path: string, opts?: { body?: unknown; token?: string | null; raw?: string }): Promise<Reply>;
  close(): Promise<void>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test convenience
  json: any;
}

export async function startHarness(options: Partial<ServeOptions> = {}): Promise<Harness> {
  const logs: string[] = [];
  const bodies: string[] = [];
  const server = await startServeServer({ token: TOKEN, port: 0, host: '127.0.0.1', log: (l) => logs.push(l), ...options });
  const call: Harness['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? TOKEN : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    bodies.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return { server, url: server.url, logs, bodies, call, close: () => server.close() };
}

export async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
