/**
 * The coordinator's side of a scale-out run: one HTTP port where workers join (an upgrade to the
 * channel, the token proven both ways) and where GET /metrics serves the merged run. It hands
 * every worker its share, starts them together once all are ready, gathers their progress
 * (merged exactly into one live line) and their final figures, and keeps track of the ones it
 * loses: a lost worker's last report stays in the totals (cumulative snapshots replace each
 * other, so nothing counts twice) and the run goes on with the rest.
 *
 * It is the `remote` load of the coordinator's runLoadTest (engine/runner.ts): the runner
 * prepares the target and the shared key, calls `prepare` before load, `run` for the load,
 * `progress` every interval and `metrics` at the end.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StartError } from '../config/errors.js';
import type { RunConfig } from '../config/types.js';
import { onAbort } from '../engine/abort-hub.js';
import type { RunSignals } from '../engine/context.js';
import { isSaturated, type LoadFigures } from '../engine/load-gauge.js';
import type { ScheduleReport } from '../engine/executors/index.js';
import type { ProgressInfo, RemoteLoad } from '../engine/runner.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { DEFAULT_MAX_BATCH_TIMELINES, type BatchTimeline } from '../report/batch-timeline.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { checkProof, isNonce, newNonce, proofOf, sealSecret } from './auth.js';
import { Channel } from './channel.js';
import { IntervalMerge } from './interval.js';
import { renderMergedMetrics } from './metrics-endpoint.js';
import { CHANNEL_PATH, MAX_MESSAGE_BYTES, UPGRADE_PROTOCOL, type CoordinatorMessage, type FinalMessage, type ProgressMessage, type WorkerMessage } from './protocol.js';
import { iterationsOf, type WorkerReport } from './report.js';
import { splitRun, type WorkerPlan } from './split.js';

/** Heartbeats both ways; a worker silent this long is lost (a closed connection is lost at once). */
export const HEARTBEAT_MS = 250;
export const WORKER_SILENCE_MS = 10_000;
/** After a stop, how long workers get to send their final figures. */
export const STOP_WAIT_MS = 1500;
/** Before a worker has proven the token: a few KiB and a few seconds. */
const PRE_AUTH_MAX_BYTES = 64 * 1024;
const PRE_AUTH_MS = 5000;
const MAX_PENDING_HANDSHAKES = 64;

export interface HubOptions {
  /** address and port to listen on (port 0: a free one) */
  host: string;
  port: number;
  token: string;
  expected: number;
  version: string;
  progressIntervalMs: number;
  log: (line: string) => void;
}

type SlotState = 'open' | 'joined' | 'ready' | 'running' | 'finished' | 'stopped early' | 'lost';

interface Conn {
  channel: Channel<WorkerMessage, CoordinatorMessage>;
  workerNonce: string;
  coordinatorNonce: string;
  slot?: Slot;
}

interface Slot {
  index: number;
  state: SlotState;
  conn?: Conn;
  host?: string;
  pid?: number;
  assigned: boolean;
  failure?: string;
  progress?: Omit<ProgressMessage, 'interval'>;
  lastReportMs?: number;
  final?: FinalMessage;
  lost?: { atMs: number; reason: string };
}

const nameOf = (s: Slot) => `worker ${s.index}${s.host ? ` (${s.host}, pid ${s.pid})` : ''}`;
/** A worker's figures as they stand: its final ones where known, else its last report. */
const figuresOf = (s: Slot): MetricsSnapshot | undefined => s.final?.metrics ?? s.progress?.snapshot;
const ENDED: ReadonlySet<SlotState> = new Set(['finished', 'stopped early', 'lost']);

export class Hub implements RemoteLoad {
  readonly url: string;
  /** workers tick with the same interval from the common start; their figures arrive within this */
  readonly progressLagMs: number;
  private readonly slots: Slot[];
  private readonly waiters = new Set<() => void>();
  private started = false;
  private stopSent = false;
  private startedAtMs = 0;
  private cpuAtStart?: NodeJS.CpuUsage;
  private plans: WorkerPlan[] = [];
  private assignment?: { config: RunConfig; key: string | undefined; embeddedPort?: number };
  private interval = new IntervalMerge();
  private intervalStartMs = Date.now();
  private pendingHandshakes = 0;
  private readonly sockets = new Set<Socket>();
  private merged?: { at: number; snapshot: MetricsSnapshot };
  private version = 0;

  private constructor(
    private readonly server: Server,
    private readonly opts: HubOptions,
  ) {
    const addr = server.address() as AddressInfo;
    const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
    this.progressLagMs = Math.min(500, Math.round(opts.progressIntervalMs / 4));
    this.slots = Array.from({ length: opts.expected }, (_, index) => ({ index, state: 'open' as SlotState, assigned: false }));
  }

  static async listen(opts: HubOptions): Promise<Hub> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new StartError(`coordinator: cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)),
      );
      server.listen(opts.port, opts.host, () => resolve());
    });
    const hub = new Hub(server, opts);
    server.on('request', (req, res) => hub.serveHttp(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => hub.accept(req, socket, head));
    server.on('connection', (s: Socket) => {
      hub.sockets.add(s);
      s.once('close', () => hub.sockets.delete(s));
    });
    return hub;
  }

  /** The port it listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  // ---- before load --------------------------------------------------------------------------

  /**
   * Hands every worker its share (the config with the target known, the sealed key), waits until
   * all are ready, then starts them together. Throws a StartError naming the workers that did
   * not make it within `timeoutMs`, or the first worker that failed to prepare.
   */
  async prepare(config: RunConfig, key: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.plans = splitRun(config, this.opts.expected);
    const embeddedPort = config.target.embedded ? Number(new URL(config.target.host).port) : undefined;
    this.assignment = { config, key, embeddedPort };
    for (const slot of this.slots) if (slot.state === 'joined') this.assign(slot);
    const deadline = Date.now() + timeoutMs;
    const allReady = () => this.slots.every((s) => s.state === 'ready');
    const failed = () => this.slots.find((s) => s.failure !== undefined);
    await this.waitFor(() => allReady() || failed() !== undefined, deadline, signal);
    const bad = failed();
    if (signal?.aborted) {
      this.broadcast({ t: 'stop', reason: 'the coordinator was interrupted before the start' });
      throw new StartError('interrupted before the load started');
    }
    if (bad) {
      this.broadcast({ t: 'stop', reason: `${nameOf(bad)} could not start` });
      throw new StartError(`${nameOf(bad)} could not start: ${bad.failure}`);
    }
    if (!allReady()) {
      const missing = this.slots.filter((s) => s.state !== 'ready').map((s) => `${nameOf(s)} ${s.state === 'open' ? 'not connected' : 'connected, not ready'}`);
      this.broadcast({ t: 'stop', reason: 'not every worker was ready in time' });
      throw new StartError(`not every worker was ready within ${Math.round(timeoutMs / 1000)}s: ${missing.join('; ')}`);
    }
    // one common start: no worker has sent anything before this
    this.started = true;
    this.startedAtMs = Date.now();
    this.cpuAtStart = process.cpuUsage();
    this.intervalStartMs = this.startedAtMs;
    this.interval = new IntervalMerge();
    for (const slot of this.slots) {
      slot.state = 'running';
      slot.conn!.channel.send({ t: 'start' });
    }
    this.opts.log(`Started ${this.slots.length} workers together`);
  }

  /** A local worker process ended (`how`: its exit code or signal): before the start, the run cannot start. */
  processExited(index: number, how: string): void {
    const slot = this.slots[index];
    if (!slot) return;
    if (!this.started && slot.state !== 'ready') {
      slot.failure ??= `its process ended (${how}) before it was ready`;
      this.notify();
    } else if (slot.lost && !slot.lost.reason.includes(how)) {
      slot.lost.reason += ` (the process ${how})`;
    } else if (!ENDED.has(slot.state) && slot.conn) {
      // the exit may be seen before the connection's close: the close names it the same way
      this.loseSlot(slot, `the process ${how}`);
    }
  }

  // ---- the load -----------------------------------------------------------------------------

  async run(signals: RunSignals): Promise<void> {
    const over = () => this.slots.every((s) => ENDED.has(s.state));
    await this.waitFor(() => over() || signals.aborted.aborted, Number.POSITIVE_INFINITY, signals.aborted);
    if (over()) return;
    // interrupted or past the stop timeout: every worker stops now and sends what it has
    this.stopAll('the run was stopped');
    await this.waitFor(over, Date.now() + STOP_WAIT_MS);
    for (const slot of this.slots) if (!ENDED.has(slot.state)) this.loseSlot(slot, `no final figures within ${STOP_WAIT_MS / 1000}s of the stop`);
  }

  /** Tells every running worker to stop now (it sends its final figures). */
  stopAll(reason: string): void {
    this.stopSent = true;
    this.broadcast({ t: 'stop', reason });
  }

  progress(): Omit<ProgressInfo, 'elapsedMs' | 'runTimeMs' | 'final'> {
    const now = Date.now();
    const interval = this.interval.take(this.intervalStartMs, now);
    this.interval = new IntervalMerge();
    this.intervalStartMs = now;
    let users = 0;
    let iterationsStarted = 0;
    const target: ProgressInfo['target'] = {};
    let rate: number | undefined;
    let inFlight: Record<string, number> | undefined;
    let requests = 0;
    let failures = 0;
    let workflowsDone = 0;
    let load: LoadFigures | undefined;
    for (const s of this.slots) {
      if (s.state === 'running' && s.progress) {
        users += s.progress.users;
        // what the shapes ask for now and the start rate: the workers' added up
        const t = s.progress.target;
        if (t.users !== undefined) target.users = (target.users ?? 0) + t.users;
        if (t.rate !== undefined) target.rate = (target.rate ?? 0) + t.rate;
        if (s.progress.rate !== undefined) rate = (rate ?? 0) + s.progress.rate;
        // batches per status now: the workers' added up
        for (const [status, n] of Object.entries(s.progress.batchesInFlight ?? {})) (inFlight ??= {})[status] = (inFlight[status] ?? 0) + n;
      }
      const m = s.final?.metrics;
      iterationsStarted += m ? iterationsOf(m) : (s.progress?.iterationsStarted ?? 0);
      requests += m ? m.aggregated.count : (s.progress?.totals.requests ?? 0);
      failures += m ? m.aggregated.failures : (s.progress?.totals.failures ?? 0);
      workflowsDone += m ? (m.counters.workflows_completed ?? 0) + (m.counters.workflows_failed ?? 0) : (s.progress?.workflowsDone ?? 0);
      // the busiest worker's figures: one saturated generator skews the run
      const l = s.state === 'running' ? s.progress?.load : undefined;
      if (l && (!load || rank(l) > rank(load))) load = l;
    }
    return {
      users,
      iterationsStarted,
      target,
      ...(rate !== undefined ? { rate } : {}),
      interval,
      totals: { requests, failures },
      workflowsDone,
      ...(inFlight ? { batchesInFlight: inFlight } : {}),
      ...(load ? { load } : {}),
      workers: {
        running: this.slots.filter((s) => s.state !== 'lost').length,
        expected: this.slots.length,
        lost: this.slots.filter((s) => s.state === 'lost').length,
      },
      snapshot: () => this.mergedSnapshot(),
    };
  }

  metrics(own: MetricsSnapshot): MetricsSnapshot {
    return MetricsRecorder.merge([own, ...this.reported()]);
  }

  /** The workers' figures merged as they stand (final where known, else the last report). */
  mergedSnapshot(): MetricsSnapshot {
    if (this.merged?.at !== this.version) {
      const reported = this.reported();
      this.merged = { at: this.version, snapshot: reported.length > 0 ? MetricsRecorder.merge(reported) : new MetricsRecorder().snapshot() };
    }
    return this.merged.snapshot;
  }

  /** One entry per worker, for the JSON and the summary. */
  reports(): WorkerReport[] {
    return this.slots.map((s) => {
      const m = figuresOf(s);
      const share = this.plans[s.index]?.share;
      const elapsed = m?.elapsedSeconds ?? 0;
      const requests = m?.aggregated.count ?? 0;
      const report: WorkerReport = {
        index: s.index,
        name: nameOf(s),
        ...(s.host ? { host: s.host, pid: s.pid } : {}),
        users: share?.users ?? 0,
        spawnRate: share?.spawnRate ?? 0,
        arrivalRate: share?.arrivalRate ?? 0,
        iterations: share?.iterations ?? 0,
        state: s.state === 'lost' ? 'lost' : s.state === 'stopped early' ? 'stopped early' : 'finished',
        requests,
        failures: m?.aggregated.failures ?? 0,
        iterationsStarted: iterationsOf(m),
        achievedRate: elapsed > 0 ? requests / elapsed : 0,
        elapsedSeconds: elapsed,
        ...(s.final ? { cpuSeconds: s.final.cpuSeconds } : {}),
      };
      if (s.lost) {
        report.lost = {
          at: new Date(s.lost.atMs).toISOString(),
          afterSeconds: Math.max(0, (s.lost.atMs - this.startedAtMs) / 1000),
          reason: s.lost.reason,
          ...(s.lastReportMs ? { lastReportAt: new Date(s.lastReportMs).toISOString() } : {}),
        };
      }
      return report;
    });
  }

  /** CPU time of this process since the common start, seconds (coordination, and the embedded mock when it serves the run) */
  cpuSecondsSinceStart(): number {
    if (!this.cpuAtStart) return 0;
    const cpu = process.cpuUsage(this.cpuAtStart);
    return (cpu.user + cpu.system) / 1e6;
  }

  /** The load shape the workers ran, and the open model's schedule added up over them. */
  shape(): { executor?: string; schedule?: ScheduleReport } {
    const finals = this.slots.flatMap((s) => (s.final ? [s.final] : []));
    const executor = finals.find((f) => f.executor)?.executor;
    const schedules = finals.flatMap((f) => (f.schedule ? [f.schedule] : []));
    if (schedules.length === 0) return executor ? { executor } : {};
    const sum = (k: 'requestedRate' | 'achievedRate' | 'scheduled' | 'started' | 'dropped') => schedules.reduce((n, x) => n + x[k], 0);
    const schedule: ScheduleReport = {
      arrival: schedules[0]!.arrival,
      requestedRate: sum('requestedRate'),
      achievedRate: sum('achievedRate'),
      scheduled: sum('scheduled'),
      started: sum('started'),
      dropped: sum('dropped'),
      seconds: Math.max(...schedules.map((x) => x.seconds)),
    };
    return { ...(executor ? { executor } : {}), schedule };
  }

  /** The last batches' lifecycles the workers saw, latest DEFAULT_MAX_BATCH_TIMELINES by creation time. */
  batches(): BatchTimeline[] | undefined {
    const all = this.slots.flatMap((s) => s.final?.batches ?? []);
    if (all.length === 0) return undefined;
    return all.sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0)).slice(-DEFAULT_MAX_BATCH_TIMELINES);
  }

  /** Workers lost, or stopped early on their own, while the coordinator was not stopping them. */
  get incomplete(): WorkerReport[] {
    return this.reports().filter((r) => r.state !== 'finished');
  }

  /** Says goodbye to every worker still connected and stops listening. */
  async close(): Promise<void> {
    for (const s of this.slots) {
      if (s.conn && !s.conn.channel.closed) {
        if (!ENDED.has(s.state)) s.conn.channel.send({ t: 'stop', reason: 'the coordinator is closing' });
        s.conn.channel.send({ t: 'bye' });
        await s.conn.channel.flushed();
        s.conn.channel.close();
      }
    }
    // every worker has had its goodbye: nothing more to wait for (a hung peer must not hold the exit)
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  // ---- connections --------------------------------------------------------------------------

  private accept(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const workerNonce = req.headers['x-batch-load-nonce'];
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (req.url !== CHANNEL_PATH || String(req.headers.upgrade).toLowerCase() !== UPGRADE_PROTOCOL || !isNonce(workerNonce)) {
      refuse('400 Bad Request');
      return;
    }
    if (this.pendingHandshakes >= MAX_PENDING_HANDSHAKES) {
      refuse('503 Service Unavailable');
      return;
    }
    const coordinatorNonce = newNonce();
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${UPGRADE_PROTOCOL}\r\nConnection: Upgrade\r\n` +
        `x-batch-load-nonce: ${coordinatorNonce}\r\nx-batch-load-proof: ${proofOf(this.opts.token, 'coordinator', workerNonce, coordinatorNonce)}\r\n\r\n`,
    );
    this.pendingHandshakes++;
    let authed = false;
    const handshakeOver = () => {
      if (authed) return;
      authed = true;
      this.pendingHandshakes--;
      clearTimeout(timer);
    };
    const conn: Conn = {
      workerNonce,
      coordinatorNonce,
      channel: new Channel<WorkerMessage, CoordinatorMessage>(
        socket,
        {
          silenceMs: WORKER_SILENCE_MS,
          heartbeatMs: HEARTBEAT_MS,
          maxMessageBytes: PRE_AUTH_MAX_BYTES,
          onMessage: (msg) => {
            if (!conn.slot) {
              handshakeOver();
              this.authenticate(conn, msg);
            } else this.onMessage(conn.slot, msg);
          },
          onLost: (reason) => {
            handshakeOver();
            if (conn.slot) this.onLost(conn.slot, conn, reason);
          },
        },
        head,
      ),
    };
    const timer = setTimeout(() => {
      if (conn.slot) return;
      handshakeOver();
      this.opts.log(`refused a connection from ${conn.channel.remote}: no proof of the token within ${PRE_AUTH_MS / 1000}s`);
      conn.channel.close();
    }, PRE_AUTH_MS);
    timer.unref();
  }

  private authenticate(conn: Conn, msg: WorkerMessage): void {
    const refuse = (reason: string, quiet = false) => {
      if (!quiet) this.opts.log(`refused a worker from ${conn.channel.remote}: ${reason}`);
      conn.channel.send({ t: 'refused', reason });
      conn.channel.close();
    };
    if (msg.t !== 'auth' || !checkProof(this.opts.token, 'worker', conn.coordinatorNonce, conn.workerNonce, msg.proof)) {
      refuse('it could not prove the token');
      return;
    }
    if (msg.version !== this.opts.version) {
      refuse(`it runs batch-load ${String(msg.version)}, the coordinator ${this.opts.version}`);
      return;
    }
    if (this.started) {
      refuse('the run has already started');
      return;
    }
    let slot: Slot | undefined;
    if (msg.index !== undefined) {
      if (!Number.isInteger(msg.index) || msg.index < 0 || msg.index >= this.slots.length) {
        refuse(`index ${String(msg.index)} is out of range (expecting ${this.slots.length} workers, 0..${this.slots.length - 1})`);
        return;
      }
      slot = this.slots[msg.index]!;
      if (slot.state !== 'open') {
        refuse(`index ${msg.index} is already taken by ${nameOf(slot)}`);
        return;
      }
    } else {
      slot = this.slots.find((s) => s.state === 'open');
      if (!slot) {
        refuse(`the run already has its ${this.slots.length} workers`);
        return;
      }
    }
    conn.slot = slot;
    conn.channel.maxMessageBytes = MAX_MESSAGE_BYTES;
    Object.assign(slot, { state: 'joined', conn, host: String(msg.host).slice(0, 128), pid: Number(msg.pid), failure: undefined, assigned: false });
    conn.channel.send({ t: 'welcome', index: slot.index, count: this.slots.length });
    this.opts.log(`${nameOf(slot)} joined from ${conn.channel.remote} (${this.slots.filter((s) => s.state !== 'open').length}/${this.slots.length})`);
    if (this.assignment) this.assign(slot);
    this.notify();
  }

  private assign(slot: Slot): void {
    const a = this.assignment!;
    const conn = slot.conn!;
    const plan = this.plans[slot.index]!;
    slot.assigned = true;
    conn.channel.send({
      t: 'assign',
      share: plan.share,
      config: wireConfig(plan.config),
      ...(a.key !== undefined ? { sealedKey: sealSecret(this.opts.token, conn.workerNonce, conn.coordinatorNonce, a.key) } : {}),
      ...(a.embeddedPort !== undefined ? { embeddedPort: a.embeddedPort } : {}),
    });
  }

  private onMessage(slot: Slot, msg: WorkerMessage): void {
    switch (msg.t) {
      case 'ready':
        if (slot.state === 'joined' && slot.assigned) slot.state = 'ready';
        break;
      case 'failed':
        slot.failure = String(msg.error).slice(0, 1000);
        break;
      case 'progress': {
        if (slot.state !== 'running') return;
        const { interval, ...rest } = msg;
        this.interval.add(interval);
        slot.progress = rest;
        slot.lastReportMs = Date.now();
        this.version++;
        return;
      }
      case 'log':
        this.opts.log(`${nameOf(slot)}: ${String(msg.line).slice(0, 2000)}`);
        return;
      case 'final':
        if (slot.state !== 'running') return;
        slot.final = msg;
        slot.lastReportMs = Date.now();
        this.version++;
        // cut short on its own (a signal to that process or pod): not the whole share ran
        slot.state = msg.interrupted && !this.stopSent ? 'stopped early' : 'finished';
        if (slot.state === 'stopped early') this.opts.log(`${nameOf(slot)} stopped early (interrupted on its own); its figures count`);
        slot.conn?.channel.send({ t: 'bye' });
        break;
      default:
        return;
    }
    this.notify();
  }

  private onLost(slot: Slot, conn: Conn, reason: string): void {
    if (slot.conn !== conn || ENDED.has(slot.state)) return;
    if (!this.started) {
      // before the start a worker may leave and another take its place
      this.opts.log(`${nameOf(slot)} left before the start: ${reason}`);
      Object.assign(slot, { state: 'open', conn: undefined, assigned: false });
      this.notify();
      return;
    }
    this.loseSlot(slot, reason);
  }

  private loseSlot(slot: Slot, reason: string): void {
    slot.state = 'lost';
    slot.lost = { atMs: Date.now(), reason };
    slot.conn?.channel.close();
    this.opts.log(
      `${nameOf(slot)} LOST ${((slot.lost.atMs - this.startedAtMs) / 1000).toFixed(1)}s into the run: ${reason}; the run goes on with the others (its last report counts: ${figuresOf(slot)?.aggregated.count ?? 0} requests)`,
    );
    this.version++;
    this.notify();
  }

  private broadcast(msg: CoordinatorMessage): void {
    for (const s of this.slots) if (s.conn && !ENDED.has(s.state)) s.conn.channel.send(msg);
  }

  private reported(): MetricsSnapshot[] {
    return this.slots.flatMap((s) => figuresOf(s) ?? []);
  }

  private serveHttp(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      const body = renderMergedMetrics(this.mergedSnapshot(), this.reports(), this.progressGauges());
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(body);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('batch-load coordinator: GET /metrics (Prometheus); workers join at /workers\n');
  }

  private progressGauges(): { users: number; running: number; lost: number; expected: number; elapsedSeconds: number } {
    return {
      users: this.slots.reduce((n, s) => n + (s.state === 'running' ? (s.progress?.users ?? 0) : 0), 0),
      running: this.slots.filter((s) => s.state === 'running').length,
      lost: this.slots.filter((s) => s.state === 'lost').length,
      expected: this.slots.length,
      elapsedSeconds: this.started ? (Date.now() - this.startedAtMs) / 1000 : 0,
    };
  }

  // ---- waiting ------------------------------------------------------------------------------

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when `done()` holds (checked on every change), at the deadline, or on abort. */
  private waitFor(done: () => boolean, deadline: number, signal?: AbortSignal): Promise<void> {
    if (done() || signal?.aborted || Date.now() >= deadline) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        this.waiters.delete(check);
        if (timer) clearTimeout(timer);
        cancelAbort();
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = Number.isFinite(deadline) ? setTimeout(finish, Math.max(0, deadline - Date.now())) : undefined;
      this.waiters.add(check);
      const cancelAbort = signal ? onAbort(signal, finish) : () => undefined;
    });
  }
}

/** Orders load figures by how saturated they are (lag first). */
function rank(l: LoadFigures): number {
  return (isSaturated(l) ? 1e6 : 0) + l.lagP99Ms * 1000 + l.cpuPercent;
}

/**
 * The run config a worker receives: its share applied, no credentials (the key travels sealed),
 * no report files (the coordinator writes the one set), the batch file named but its ids dropped
 * (the worker loads and checks the same file).
 */
function wireConfig(config: RunConfig): RunConfig {
  return {
    ...config,
    target: { ...config.target, embedded: false },
    auth: { ...config.auth, apiKey: undefined, basicAuthPassword: '' },
    batch: config.batch ? { ...config.batch, customIds: [] } : undefined,
    output: { ...config.output, jsonFile: undefined, csvPrefix: undefined, htmlFile: undefined, junitFile: undefined, onlySummary: true },
  };
}
