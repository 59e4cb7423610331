import type { ResolvedMockOptions } from '../config/defaults.js';
import type { FaultPlan } from '../faults/faults.js';
import type { FileStore } from '../files/store.js';
import type { InferenceEndpoint } from '../inference/deps.js';
import type { StatsCollector } from '../stats.js';
import type { Rng } from '../util/rng.js';
import type { TimerRegistry } from '../util/timers.js';
import { JsonlWriter } from './jsonl-writer.js';
import type { BatchLineRunner, LineOutcome, NonHttpFailure } from './line-runner.js';
import { type InputLine, readLines } from './lines.js';
import type { BatchEndpoint, BatchRecord } from './model.js';
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
 */
export class BatchProcessor {
  /** Wakes a batch waiting on a stop (stuck batches, cancel during a phase delay). */
  private readonly wakers = new Map<string, () => void>();

  constructor(private readonly deps: BatchProcessorDeps) {}

  start(batch: BatchRecord): void {
    const cancelExpiry = this.deps.timers.schedule(this.deps.options.batch.expiryMs, () => this.stop(batch, 'expired'));
    this.run(batch)
      .catch(() => this.fail(batch, 'internal_error', 'The mock server failed while processing this batch.'))
      .finally(() => {
        cancelExpiry();
        this.wakers.delete(batch.id);
      });
  }

  /** Cancel or expiry: lines not yet started go to the error file with batch_cancelled / batch_expired. */
  stop(batch: BatchRecord, reason: 'cancelled' | 'expired'): void {
    if (TERMINAL_STATUSES.has(batch.status) || batch.stopReason !== null) return;
    batch.stopReason = reason;
    if (reason === 'cancelled') this.deps.batches.setStatus(batch, 'cancelling');
    this.wakers.get(batch.id)?.();
  }

  wakeAll(): void {
    for (const wake of this.wakers.values()) wake();
  }

  private async run(batch: BatchRecord): Promise<void> {
    const { options, timers, batches } = this.deps;
    if (!(await this.pause(batch, options.batch.validatingMs))) return;
    if (batch.stopReason !== null) return this.finish(batch, null, null);

    const validation = await validateBatchInput(batch.inputPath, batch.endpoint, options.batch);
    if (timers.isClosed) return;
    if (validation.errors.length > 0) {
      batch.errors = validation.errors;
      batches.setStatus(batch, 'failed');
      return;
    }
    if (batch.stopReason !== null) return this.finish(batch, null, null);
    batch.model = validation.model;
    batch.counts.total = validation.requestLines;
    batch.usage = { inputTokens: 0, outputTokens: 0 };
    batches.setStatus(batch, 'in_progress');

    const rates = options.faults.batch;
    const rng = this.deps.batchRng;
    const faults: OutputFaults = {
      drop: rates.dropOutputLine > 0 && rng.next() < rates.dropOutputLine,
      duplicate: rates.duplicateOutputLine > 0 && rng.next() < rates.duplicateOutputLine,
      stuck: rates.stuckInProgress > 0 && rng.next() < rates.stuckInProgress,
    };
    const output = new JsonlWriter(() => this.deps.files.newContentPath());
    const errors = new JsonlWriter(() => this.deps.files.newContentPath());
    try {
      await this.processLines(batch, faults, output, errors);
      if (timers.isClosed) return;
      if (batch.stopReason === null) {
        batches.setStatus(batch, 'finalizing');
        await this.pause(batch, options.batch.finalizingMs);
        if (timers.isClosed) return;
      }
      await this.finish(batch, output, errors);
    } finally {
      output.destroy();
      errors.destroy();
    }
  }

  private async processLines(batch: BatchRecord, faults: OutputFaults, output: JsonlWriter, errors: JsonlWriter): Promise<void> {
    const endpoint = this.deps.endpointFor(batch.endpoint);
    const faultPlan = this.deps.faultPlanFor(`POST ${batch.basePath}${endpoint.path}`);
    const concurrency = this.deps.options.batch.lineConcurrency;
    // A stuck batch stalls halfway: request_counts stop rising until it is cancelled or expires.
    const stallAt = faults.stuck ? Math.floor(batch.counts.total / 2) : Number.POSITIVE_INFINITY;
    const inFlight = new Set<Promise<void>>();
    let started = 0;
    let firstSuccessWritten = false;

    const record = async (outcome: LineOutcome): Promise<void> => {
      this.deps.stats.recordBatchLine(outcome.statusKey);
      if (outcome.usage && batch.usage) {
        batch.usage.inputTokens += outcome.usage.inputTokens;
        batch.usage.outputTokens += outcome.usage.outputTokens;
      }
      if (!outcome.ok) {
        batch.counts.failed++;
        await errors.write(outcome.line);
        return;
      }
      batch.counts.completed++;
      const first = !firstSuccessWritten;
      firstSuccessWritten = true;
      if (first && faults.drop) return;
      await output.write(outcome.line);
      if (first && faults.duplicate) await output.write(outcome.line);
    };

    for await (const line of readLines(batch.inputPath)) {
      if (this.deps.timers.isClosed) return;
      if (started >= stallAt && batch.stopReason === null) await this.waitForStop(batch);
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const request = parseLine(line);
      if (batch.stopReason !== null) {
        await record(this.deps.runner.failure(JSON.stringify(request.customId), stopCode(batch.stopReason)));
        continue;
      }
      started++;
      const task: Promise<void> = this.deps.runner
        .run(endpoint, faultPlan, request)
        .then(record)
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  }

  /** Writes the result files and moves the batch to its terminal status. */
  private async finish(batch: BatchRecord, output: JsonlWriter | null, errors: JsonlWriter | null): Promise<void> {
    const { batches, files, options, timers } = this.deps;
    if (batch.stopReason === 'cancelled') {
      if (!(await this.pause(batch, options.batch.cancellingMs)) && timers.isClosed) return;
    }
    const register = async (writer: JsonlWriter | null, kind: 'output' | 'error'): Promise<string | null> => {
      const path = writer ? await writer.close() : null;
      if (path === null || writer === null) return null;
      return files.add({
        path,
        bytes: writer.bytes,
        filename: `${batch.id}_${kind}.jsonl`,
        purpose: 'batch_output',
        expiresAfterSeconds: batch.outputExpiresAfterSeconds,
      }).id;
    };
    batch.outputFileId = await register(output, 'output');
    batch.errorFileId = await register(errors, 'error');
    batches.setStatus(batch, batch.stopReason ?? 'completed');
  }

  private fail(batch: BatchRecord, code: string, message: string): void {
    if (TERMINAL_STATUSES.has(batch.status) || this.deps.timers.isClosed) return;
    batch.errors = [{ code, message, param: null, line: null }];
    this.deps.batches.setStatus(batch, 'failed');
  }

  /** Sleeps through a phase; a cancel or expiry cuts it short. False when the server is closing. */
  private async pause(batch: BatchRecord, ms: number): Promise<boolean> {
    if (ms <= 0 || batch.stopReason !== null) return !this.deps.timers.isClosed;
    const woken = new Promise<void>((resolve) => this.wakers.set(batch.id, resolve));
    await Promise.race([this.deps.timers.sleep(ms), woken]);
    return !this.deps.timers.isClosed;
  }

  private async waitForStop(batch: BatchRecord): Promise<void> {
    while (batch.stopReason === null && !this.deps.timers.isClosed) {
      await new Promise<void>((resolve) => this.wakers.set(batch.id, resolve));
    }
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
