/**
 * A worker for protocol tests: joins a real Hub over loopback with the real handshake and
 * channel, and lets the test read what the coordinator sends and send what it likes.
 */
import { hostname } from 'node:os';
import { proofOf } from '../../src/workers/auth.js';
import { Channel } from '../../src/workers/channel.js';
import { HEARTBEAT_MS } from '../../src/workers/hub.js';
import { joinCoordinator } from '../../src/workers/join.js';
import type { CoordinatorMessage, WorkerMessage } from '../../src/workers/protocol.js';

export interface FakeWorker {
  channel: Channel<CoordinatorMessage, WorkerMessage>;
  /** the next message of this type (earlier ones of other types are kept) */
  next<T extends CoordinatorMessage['t']>(type: T, timeoutMs?: number): Promise<Extract<CoordinatorMessage, { t: T }>>;
  send(msg: WorkerMessage): void;
  lost: Promise<string>;
}

export async function fakeWorker(url: string, token: string, index?: number, version = '0.1.0'): Promise<FakeWorker> {
  const joined = await joinCoordinator(new URL(url), token, 5000, () => undefined);
  const inbox: CoordinatorMessage[] = [];
  const waiting: Array<() => void> = [];
  let lostReason: (r: string) => void = () => undefined;
  const lost = new Promise<string>((r) => (lostReason = r));
  const channel = new Channel<CoordinatorMessage, WorkerMessage>(
    joined.socket,
    {
      silenceMs: 5000,
      heartbeatMs: HEARTBEAT_MS,
      onMessage: (m) => {
        inbox.push(m);
        for (const w of waiting.splice(0)) w();
      },
      onLost: (r) => lostReason(r),
    },
    joined.head,
  );
  channel.send({ t: 'auth', proof: proofOf(token, 'worker', joined.coordinatorNonce, joined.workerNonce), ...(index !== undefined ? { index } : {}), host: hostname(), pid: process.pid, version });
  return {
    channel,
    lost,
    send: (m) => void channel.send(m),
    async next(type, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = inbox.findIndex((m) => m.t === type);
        if (i >= 0) return inbox.splice(i, 1)[0] as never;
        if (Date.now() > deadline) throw new Error(`no '${type}' message within ${timeoutMs} ms (got ${inbox.map((m) => m.t).join(', ') || 'nothing'})`);
        await new Promise<void>((r) => {
          waiting.push(r);
          setTimeout(r, 50);
        });
      }
    },
  };
}
