/** Shared fixtures for the online scenario tests: a RunConfig, a ScenarioContext, raw servers. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunConfig } from '../../../src/config/types.js';
import { HttpClient } from '../../../src/http/client.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import type { ScenarioContext } from '../../../src/scenarios/types.js';
import { defaultPayload } from '../../../src/scenarios/online/payloads.js';

export function makeConfig(host: string, patch: (c: RunConfig) => void = () => {}): RunConfig {
  const config: RunConfig = {
    runId: 'test',
    target: {
      host,
      basePath: '/v1',
      basePathExplicit: false,
      embedded: false,
      scenarioHosts: {},
      baselineRatio: 0.25,
      overheadHeader: 'x-litellm-overhead-duration-ms',
    },
    auth: { apiKey: 'sk-test', apiKeyEndpoint: '/admin/api/v1/users/current/api-keys', basicAuthUsername: 'admin', basicAuthPassword: 'password' },
    users: 1,
    spawnRate: 1,
    runTimeMs: 1000,
    stopTimeoutMs: 1000,
    waitMinMs: 0,
    waitMaxMs: 0,
    arrivalRate: 0,
    iterations: 0,
    scenarios: [{ name: 'chat', weight: 1 }],
    verify: 'random',
    poll: { initialMs: 10, factor: 1.5, maxIntervalMs: 100, maxPolls: 5, maxWaitMs: 1000, jitter: false },
    batchRun: { cancelAfterMs: 0, expireWindow: '24h', compareOnline: false },
    retry429: 0,
    payload: defaultPayload({ user: 'load-test-user' }),
    requestTimeoutMs: 10_000,
    connections: 64,
    p95ThresholdMs: 0,
    errorRateThreshold: 1,
    thresholds: [],
    output: { progressIntervalMs: 1000, onlySummary: true },
  };
  patch(config);
  return config;
}

export interface TestRig {
  recorder: MetricsRecorder;
  http: HttpClient;
  ctx: (userId?: number) => ScenarioContext;
  close(): Promise<void>;
}

/** A recorder + client + context factory, like the engine wires them. */
export function makeRig(config: RunConfig, random: () => number = Math.random): TestRig {
  const recorder = new MetricsRecorder();
  const http = new HttpClient({ recorder, requestTimeoutMs: config.requestTimeoutMs, connections: config.connections });
  const signal = new AbortController().signal;
  let iteration = 0;
  return {
    recorder,
    http,
    ctx: (userId = 1) => ({
      userId,
      iteration: ++iteration,
      config,
      http,
      recorder,
      authHeaders: { authorization: 'Bearer sk-test' },
      signal,
      random,
      think: async () => {},
      log: () => {},
    }),
    close: () => http.close(true),
  };
}

export interface RawServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** A bare node:http server on 127.0.0.1 driven by a handler (for hand-written SSE streams). */
export async function rawServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<RawServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A deterministic PRNG (tests that depend on picks stay reproducible). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const sse = (obj: unknown): string => `data: ${typeof obj === 'string' ? obj : JSON.stringify(obj)}\n\n`;

export function chatChunk(content: string | undefined, extra: Record<string, unknown> = {}): string {
  const delta = content === undefined ? {} : { content };
  return sse({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra });
}
