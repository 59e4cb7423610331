import type { ResolvedMockOptions } from '../config/defaults.js';
import type { FaultPlan } from '../faults/faults.js';
import type { FileStore } from '../files/store.js';
import type { InferenceEndpoint } from '../inference/deps.js';
import type { StatsCollector } from '../stats.js';
import type { Rng } from '../util/rng.js';
import type { TimerRegistry } from '../util/timers.js';
import { EnqueuedTokens } from './enqueued.js';
import { JsonlWriter } from './jsonl-writer.js';
import type { BatchLineRunner, LineOutcome, NonHttpFailure } from './line-runner.js';
import { type InputLine, readLines } from './lines.js';
import type { BatchEndpoint, BatchRecord, BatchStatus } from './model.js';
import { TERMINAL_STATUSES } from './model.js';
import type { BatchStore } from './store.js';
import { validateBatchInput } from './validator.js';

export interface BatchProcessorDeps {
  options: ResolvedMockOptions;
  batches: BatchStore;
  files: FileStore;
  stats: StatsCollector;
  timers: TimerRegistry;
  runner: BatchLineRunner;
  /** Batch faults (drop/duplicate a line, stuck) draw from their own stream. */
  batchRng: Rng;
  endpointFor(endpoint: BatchEndpoint): InferenceEndpoint;
  /** Fault plan of the online route a line stands for, e.g. "POST /ai/v1/chat/completions". */
  faultPlanFor(routeKey: string): FaultPlan;
}

interface OutputFaults {
  drop: boolean;
  duplicate: boolean;
  stuck: boolean;
}

/**
 * Drives each batch through its lifecycle in the background:
 * validating → in_progress → finalizing → completed, or failed / cancelling → cancelled / expired.
 *
 * Phase times come from the clock, not from when a timer fires. Each is decided when its phase
 * begins: in_progress_at (or failed_at) = created_at + validatingMs; completed_at = finalizing_at
 * + finalizingMs; cancelled_at = cancelling_at + cancellingMs; expired_at = expires_at. Only
 * finalizing_at depends on the work: it is when the last line finished. The decided status is the
 * batch's pending one, which any read applies once due, so a busy event loop delays the work
 * (lines start late) but never the phase times a client sees. A status changes no earlier than
 * the work behind it is done (input read, files written), keeping its decided timestamp.
 */
export class BatchProcessor {
  /** Wakes a batch waiting on a phase or a stop (cancel, expiry). */
  private readonly wakers = new Map<string, () => void>();
  private readonly enqueued: EnqueuedTokens;

  constructor(private readonly deps: BatchProcessorDeps) {
    this.enqueued = new EnqueuedTokens(deps.options.batch.maxEnqueuedTokens);
  }

  /** Prompt tokens of the batches not yet terminal (what --max-enqueued-tokens limits). */
  get enqueuedTokens(): number {
    return this.enqueued.total;
  }

  start(batch: BatchRecord): void {
    const { timers } = this.deps;
    const cancelExpiry = timers.schedule(batch.times.expires - Date.now(), () => this.expire(batch));
    this.run(batch)
      .catch(() => this.fail(batch, 'internal_error', 'The mock server failed while processing this batch.'))
      .finally(() => {
        cancelExpiry();
        this.wakers.delete(batch.id);
        this.enqueued.release(batch.id);
      });
  }

  /**
   * Cancel: the batch is `cancelling` from now; no new lines start, lines in flight finish, the
   * rest go to the error file as batch_cancelled. False when the batch is already terminal.
   */
  cancel(batch: BatchRecord): boolean {
    this.deps.batches.settle(batch);
    if (TERMINAL_STATUSES.has(batch.status)) return false;
    if (batch.stopReason !== null) return true;
    batch.stopReason = 'cancelled';
    batch.pending = null;
    this.deps.batches.setStatus(batch, 'cancelling');
    this.wakers.get(batch.id)?.();
    return true;
  }

  /** The completion window ended: like a cancel, with batch_expired (not once lines are all done). */
  private expire(batch: BatchRecord): void {
    this.deps.batches.settle(batch);
    if (batch.status !== 'validating' && batch.status !== 'in_progress') return;
    if (batch.stopReason !== null) return;
    batch.stopReason = 'expired';
    batch.pending = null;
    this.wakers.get(batch.id)?.();
  }

  wakeAll(): void {
    for (const wake of this.wakers.values()) wake();
  }

  private async run(batch: BatchRecord): Promise<void> {
    const { options, timers, batches } = this.deps;
    const validation = await validateBatchInput(batch.inputFile.path, batch.endpoint, options.batch);
    if (timers.isClosed) return;
    if (validation.errors.length === 0 && batch.stopReason === null) {
      const refused = this.enqueued.reserve(batch.id, validation.model, validation.promptTokens);
      if (refused !== null) validation.errors.push(refused);
    }
    const valid = validation.errors.length === 0;
    batch.model = validation.model;
    if (valid) {
      batch.counts.total = validation.requestLines;
      batch.usage = { inputTokens: 0, outputTokens: 0 };
    }
    if (batch.stopReason === null) {
      const due = batch.times.created + options.batch.validatingMs;
      if (!valid) batch.errors = validation.errors;
      batches.plan(batch, valid ? 'in_progress' : 'failed', due);
      await this.until(batch, due);
      if (timers.isClosed) return;
      batches.settle(batch, due);
      if (batch.status === 'failed') return;
    }

    const output = new JsonlWriter(() => this.deps.files.newContentPath());
    const errors = new JsonlWriter(() => this.deps.files.newContentPath());
    try {
      // Invalid input cancelled or expired while validating: no lines to account for.
      if (valid) await this.processLines(batch, this.drawFaults(), output, errors);
      if (timers.isClosed) return;
      if (batch.stopReason === null) batches.setStatus(batch, 'finalizing');
      await this.writeResults(batch, output, errors);
      // A cancel may come while finalizing: each pass plans the terminal status the batch is headed for.
      while (!TERMINAL_STATUSES.has(batch.status) && !timers.isClosed) {
        const [status, due] = this.terminal(batch);
        batches.plan(batch, status, due);
        await this.until(batch, due);
        batches.settle(batch, due);
      }
    } finally {
      output.destroy();
      errors.destroy();
    }
  }

  /** The terminal status a batch with its files written is headed for, and when. */
  private terminal(batch: BatchRecord): [BatchStatus, number] {
    const { batch: phases } = this.deps.options;
    const { times } = batch;
    if (batch.stopReason === 'cancelled') return ['cancelled', times.cancelling! + phases.cancellingMs];
    if (batch.stopReason === 'expired') return ['expired', times.expires];
    return ['completed', times.finalizing! + phases.finalizingMs];
  }

  private drawFaults(): OutputFaults {
    const rates = this.deps.options.faults.batch;
    const rng = this.deps.batchRng;
    return {
      drop: rates.dropOutputLine > 0 && rng.next() < rates.dropOutputLine,
      duplicate: rates.duplicateOutputLine > 0 && rng.next() < rates.duplicateOutputLine,
      stuck: rates.stuckInProgress > 0 && rng.next() < rates.stuckInProgress,
    };
  }

  private async processLines(batch: BatchRecord, faults: OutputFaults, output: JsonlWriter, errors: JsonlWriter): Promise<void> {
    const endpoint = this.deps.endpointFor(batch.endpoint);
    const faultPlan = this.deps.faultPlanFor(`POST ${batch.basePath}${endpoint.path}`);
    const concurrency = this.deps.options.batch.lineConcurrency;
    // A stuck batch stalls halfway: request_counts stop rising until it is cancelled or expires.
    const stallAt = faults.stuck ? Math.floor(batch.counts.total / 2) : Number.POSITIVE_INFINITY;
    const inFlight = new Set<Promise<void>>();
    const sink = new ResultSink(batch, faults, output, errors, this.deps.stats);
    let started = 0;

    for await (const line of readLines(batch.inputFile.path)) {
      if (this.deps.timers.isClosed) return;
      if (started >= stallAt && batch.stopReason === null) await this.waitForStop(batch);
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      // The window is checked here too: the expiry timer may fire late on a busy event loop.
      if (batch.stopReason === null && Date.now() >= batch.times.expires) this.expire(batch);
      const request = parseLine(line);
      if (batch.stopReason !== null) {
        await sink.record(this.deps.runner.failure(JSON.stringify(request.customId), stopCode(batch.stopReason)));
        continue;
      }
      started++;
      const task: Promise<void> = this.deps.runner
        .run(endpoint, faultPlan, request)
        .then((outcome) => sink.record(outcome))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    await sink.flush();
  }

  /** Closes the result files and registers them; they show on the batch once it is terminal. */
  private async writeResults(batch: BatchRecord, output: JsonlWriter, errors: JsonlWriter): Promise<void> {
    const register = async (writer: JsonlWriter, kind: 'output' | 'error'): Promise<string | null> => {
      const path = await writer.close();
      if (path === null) return null;
      const file = this.deps.files.add({
        path,
        bytes: writer.bytes,
        filename: `${batch.id}_${kind}.jsonl`,
        purpose: 'batch_output',
        expiresAfterSeconds: batch.outputExpiresAfterSeconds,
      });
      batch.resultFiles.push(file);
      return file.id;
    };
    batch.outputFileId = await register(output, 'output');
    batch.errorFileId = await register(errors, 'error');
  }

  private fail(batch: BatchRecord, code: string, message: string): void {
    if (TERMINAL_STATUSES.has(batch.status) || this.deps.timers.isClosed) return;
    batch.errors = [{ code, message, param: null, line: null }];
    this.deps.batches.setStatus(batch, 'failed');
  }

  /**
   * Waits until the clock reaches `at`, or a cancel or expiry wakes the batch (which clears the
   * pending change, so settling with `at` afterwards applies only a change that is really due:
   * a timer may fire a millisecond before Date.now() reaches `at`).
   */
  private async until(batch: BatchRecord, at: number): Promise<void> {
    const ms = at - Date.now();
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const cancel = this.deps.timers.schedule(ms, resolve);
      this.wakers.set(batch.id, () => {
        cancel();
        resolve();
      });
    });
  }

  private async waitForStop(batch: BatchRecord): Promise<void> {
    while (batch.stopReason === null && !this.deps.timers.isClosed) {
      await new Promise<void>((resolve) => this.wakers.set(batch.id, resolve));
    }
  }
}

/**
 * Where finished lines go: successes to the output file, failures to the error file, counted in
 * request_counts as they land. The drop/duplicate faults hit the first success; a batch that ends
 * without one (cancelled or expired early) has them hit its first error line instead, which is
 * held back until the end for that reason. request_counts never reflect the fault.
 */
class ResultSink {
  private firstSuccessSeen = false;
  private heldError: string | null = null;

  constructor(
    private readonly batch: BatchRecord,
    private readonly faults: OutputFaults,
    private readonly output: JsonlWriter,
    private readonly errors: JsonlWriter,
    private readonly stats: StatsCollector,
  ) {}

  private get faulty(): boolean {
    return this.faults.drop || this.faults.duplicate;
  }

  async record(outcome: LineOutcome): Promise<void> {
    const { batch } = this;
    this.stats.recordBatchLine(outcome.statusKey);
    if (outcome.usage && batch.usage) {
      batch.usage.inputTokens += outcome.usage.inputTokens;
      batch.usage.outputTokens += outcome.usage.outputTokens;
    }
    if (!outcome.ok) {
      batch.counts.failed++;
      if (this.faulty && this.heldError === null && !this.firstSuccessSeen) this.heldError = outcome.line;
      else await this.errors.write(outcome.line);
      return;
    }
    batch.counts.completed++;
    const first = !this.firstSuccessSeen;
    this.firstSuccessSeen = true;
    if (first && this.faults.drop) return;
    await this.output.write(outcome.line);
    if (first && this.faults.duplicate) await this.output.write(outcome.line);
  }

  /** Writes the held-back error line: dropped or doubled if no success took the fault. */
  async flush(): Promise<void> {
    const line = this.heldError;
    if (line === null) return;
    this.heldError = null;
    if (this.firstSuccessSeen) return this.errors.write(line);
    if (this.faults.drop) return;
    await this.errors.write(line);
    if (this.faults.duplicate) await this.errors.write(line);
  }
}

function stopCode(reason: 'cancelled' | 'expired'): NonHttpFailure {
  return reason === 'cancelled' ? 'batch_cancelled' : 'batch_expired';
}

/** Lines were validated already; only custom_id and body are needed here. */
function parseLine(line: InputLine): { customId: string; body: Record<string, unknown> } {
  const parsed = JSON.parse(line.text) as { custom_id: string; body: Record<string, unknown> };
  return { customId: parsed.custom_id, body: parsed.body };
}
