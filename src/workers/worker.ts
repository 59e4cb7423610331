/**
 * A worker: joins its coordinator, receives its share of the run (config, sealed key, the
 * embedded mock's port), checks what it can before saying ready (the data file is the same,
 * the target answers), waits for the common start, runs its share with the one engine
 * (runLoadTest) while streaming its figures every progress interval, and sends its final figures.
 *
 * A headless generator must never go on hammering a target on its own: when the coordinator
 * says stop, or the connection is lost, or the coordinator is silent for COORDINATOR_SILENCE_MS,
 * the run is interrupted at once (in-flight requests abandoned).
 *
 * Exit codes: 0 the coordinator has this worker's figures; 3 it could not join or start (one line
 * on stderr says why); 5 stopped early (lost its coordinator, or a signal to this process).
 */
import { hostname } from 'node:os';
import { EXIT } from '../cli/exit-codes.js';
import { loadBatchInput } from '../config/data-file.js';
import { ConfigError, StartError } from '../config/errors.js';
import type { RunConfig } from '../config/types.js';
import { runLoadTest, type RunResult } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { openSecret, proofOf } from './auth.js';
import { Channel } from './channel.js';
import { HEARTBEAT_MS } from './hub.js';
import { encodeInterval } from './interval.js';
import { joinCoordinator, parseCoordinatorUrl } from './join.js';
import type { AssignMessage, CoordinatorMessage, WorkerMessage } from './protocol.js';

/** The coordinator silent this long (a dead host, a partition): stop sending load. */
export const COORDINATOR_SILENCE_MS = 1500;
/** Log lines forwarded to the coordinator per second; the rest are counted. */
const LOG_LINES_PER_SECOND = 20;
const BYE_WAIT_MS = 5000;

export interface WorkerOptions {
  coordinator: string;
  token: string;
  index?: number;
  connectTimeoutMs: number;
  version: string;
  /** also write this worker's own report (its share) to FILE */
  jsonFile?: string;
  signal?: AbortSignal;
  out: (line: string) => void;
  err: (line: string) => void;
  /** writes the worker's own --json report */
  writeReport?: (result: RunResult, config: RunConfig) => Promise<void>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

export async function runWorker(opts: WorkerOptions): Promise<number> {
  let url: URL;
  try {
    url = parseCoordinatorUrl(opts.coordinator);
  } catch (e) {
    opts.err(`--coordinator: ${(e as Error).message}`);
    return EXIT.USAGE;
  }
  let joined;
  try {
    joined = await joinCoordinator(url, opts.token, opts.connectTimeoutMs, opts.out, opts.signal);
  } catch (e) {
    opts.err((e as Error).message);
    return EXIT.START_FAILED;
  }

  const stop = new AbortController();
  let stopReason: string | undefined;
  const welcome = deferred<{ index: number; count: number }>();
  const assigned = deferred<AssignMessage>();
  const started = deferred<void>();
  const bye = deferred<void>();
  /** no more load; `channelGone`: nothing more will come from the coordinator either */
  const ended = (why: string, channelGone = false) => {
    stopReason ??= why;
    const e = new Error(why);
    for (const d of channelGone ? [welcome, assigned, started, bye] : [welcome, assigned, started]) d.reject(e);
    stop.abort();
  };
  const channel = new Channel<CoordinatorMessage, WorkerMessage>(
    joined.socket,
    {
      silenceMs: COORDINATOR_SILENCE_MS,
      heartbeatMs: HEARTBEAT_MS,
      onMessage: (msg) => {
        switch (msg.t) {
          case 'welcome':
            return welcome.resolve(msg);
          case 'refused':
            return ended(`refused by the coordinator: ${msg.reason}`, true);
          case 'assign':
            return assigned.resolve(msg);
          case 'start':
            return started.resolve();
          case 'stop':
            return ended(`the coordinator stopped the run: ${msg.reason}`);
          case 'bye':
            bye.resolve();
            return;
          default:
            return;
        }
      },
      onLost: (reason) => ended(`lost the coordinator (${reason})`, true),
    },
    joined.head,
  );
  channel.send({ t: 'auth', proof: proofOf(opts.token, 'worker', joined.coordinatorNonce, joined.workerNonce), ...(opts.index !== undefined ? { index: opts.index } : {}), host: hostname(), pid: process.pid, version: opts.version });
  const onSignal = () => ended('interrupted by a signal');
  opts.signal?.addEventListener('abort', onSignal, { once: true });

  try {
    let me: { index: number; count: number };
    try {
      me = await welcome.promise;
    } catch (e) {
      opts.err((e as Error).message);
      return EXIT.START_FAILED;
    }
    const name = `worker ${me.index} of ${me.count}`;
    opts.out(`Joined the coordinator at ${url.origin} as ${name}`);
    /** Could not start: the coordinator is told why (unless it stopped the run), and so is stderr. */
    const notStarted = async (e: Error, code: number): Promise<number> => {
      const line = redactor.redact(e.message);
      if (!stop.signal.aborted) channel.send({ t: 'failed', error: line });
      await channel.flushed();
      opts.err(line);
      return code;
    };

    let task: AssignMessage;
    let config: RunConfig;
    try {
      task = await assigned.promise;
      config = await prepare(task, url, joined, opts);
    } catch (e) {
      return await notStarted(e as Error, e instanceof ConfigError ? EXIT.USAGE : EXIT.START_FAILED);
    }

    const recorder = new MetricsRecorder();
    const forwarded = rateLimitedLog(channel, opts.out);
    // CPU of the load only (not start-up, module loading, waiting for the start)
    let cpuAtStart = process.cpuUsage();
    let result: RunResult;
    try {
      result = await runLoadTest(config, {
        signal: stop.signal,
        recorder,
        userIds: task.share.userIds,
        startDelayMs: task.share.startDelayMs,
        arrivalPhase: task.share.arrivalPhase,
        log: forwarded,
        beforeLoad: async () => {
          channel.send({ t: 'ready' });
          try {
            await started.promise;
          } catch (e) {
            throw new StartError(`no start: ${(e as Error).message}`);
          }
          cpuAtStart = process.cpuUsage();
        },
        onProgress: (p) => {
          channel.send({
            t: 'progress',
            users: p.users,
            iterationsStarted: p.iterationsStarted ?? 0,
            target: p.target,
            ...(p.rate !== undefined ? { rate: p.rate } : {}),
            load: p.load ?? { cpuPercent: 0, lagP99Ms: 0 },
            interval: encodeInterval(p.interval),
            totals: p.totals,
            workflowsDone: p.workflowsDone,
            ...(p.batchesInFlight ? { batchesInFlight: p.batchesInFlight } : {}),
            snapshot: recorder.snapshot(),
          });
        },
      });
    } catch (e) {
      if (!(e instanceof StartError || e instanceof ConfigError)) throw e;
      return await notStarted(e, EXIT.START_FAILED);
    }
    const cpu = process.cpuUsage(cpuAtStart);
    // why the load stopped early, if it did: the connection closing after the coordinator's
    // goodbye (while this worker writes its own report, say) is the normal end, not a reason
    const stoppedBy = stopReason;
    channel.send({
      t: 'final',
      metrics: result.metrics,
      interrupted: result.interrupted,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      ...(result.batches ? { batches: result.batches } : {}),
      ...(result.executor ? { executor: result.executor } : {}),
      ...(result.schedule ? { schedule: result.schedule } : {}),
    });
    let acknowledged = true;
    try {
      await Promise.race([bye.promise, new Promise((_, reject) => setTimeout(() => reject(new Error('no goodbye')), BYE_WAIT_MS).unref())]);
    } catch {
      acknowledged = false;
    }
    if (opts.writeReport && opts.jsonFile) await opts.writeReport(result, { ...config, output: { ...config.output, jsonFile: opts.jsonFile } });
    const summary = `${result.metrics.aggregated.count} requests, ${result.metrics.aggregated.failures} failures`;
    if (stoppedBy && !(acknowledged && stoppedBy.startsWith('the coordinator stopped'))) {
      opts.err(`${name} stopped early: ${stoppedBy}; ${summary}${acknowledged ? ' (the coordinator has them)' : ''}`);
      return EXIT.INTERRUPTED;
    }
    opts.out(`${name} done: ${summary}${acknowledged ? '' : ' (the coordinator did not acknowledge them)'}`);
    return acknowledged ? EXIT.PASS : EXIT.INTERRUPTED;
  } finally {
    opts.signal?.removeEventListener('abort', onSignal);
    channel.close();
  }
}

/**
 * The worker's run config from its assignment: the key unsealed, the embedded mock reached on
 * the coordinator's host, the data file loaded and checked to be the coordinator's.
 */
async function prepare(task: AssignMessage, url: URL, j: { workerNonce: string; coordinatorNonce: string }, opts: WorkerOptions): Promise<RunConfig> {
  const config: RunConfig = { ...task.config, auth: { ...task.config.auth } };
  if (task.sealedKey !== undefined) {
    try {
      config.auth.apiKey = openSecret(opts.token, j.workerNonce, j.coordinatorNonce, task.sealedKey);
    } catch {
      throw new StartError('the API key from the coordinator could not be opened with this token');
    }
    redactor.add(config.auth.apiKey);
  }
  if (task.embeddedPort !== undefined) {
    config.target = { ...config.target, host: `http://${url.hostname}:${task.embeddedPort}` };
  }
  if (config.batch) {
    const want = config.batch;
    const have = await loadBatchInput(want.path);
    if (have.bytes !== want.bytes || have.lines !== want.lines || have.endpoint !== want.endpoint) {
      throw new StartError(`data file ${want.path} differs from the coordinator's (${have.lines} lines, ${have.bytes} bytes here; ${want.lines} lines, ${want.bytes} bytes there)`);
    }
    config.batch = have;
  }
  return config;
}

/** Log lines go to the coordinator (at most LOG_LINES_PER_SECOND) and to this worker's output. */
function rateLimitedLog(channel: Channel<CoordinatorMessage, WorkerMessage>, out: (line: string) => void): (line: string) => void {
  let second = 0;
  let sent = 0;
  let dropped = 0;
  return (line: string) => {
    out(line);
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      if (dropped > 0) channel.send({ t: 'log', line: `(${dropped} more log lines not forwarded: see this worker's output)` });
      second = now;
      sent = 0;
      dropped = 0;
    }
    if (sent < LOG_LINES_PER_SECOND) {
      sent++;
      channel.send({ t: 'log', line: redactor.redact(line) });
    } else dropped++;
  };
}
