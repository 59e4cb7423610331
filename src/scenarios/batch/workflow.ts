/**
 * The batch workflow, one iteration: upload → verify → create → poll → download output and
 * error files → integrity. Every iteration starts with fresh ids (nothing carries over between
 * iterations, unlike the Locust batch suite); any failed step ends the iteration as failed.
 *
 * Three scenarios share it, and mix by weight (`--scenario 'batch:8,batch-cancel:1'`):
 *   batch         expects `completed`;
 *   batch-cancel  cancels the batch after a random part of --cancel-after (or, without it, once
 *                 the batch is `in_progress`) and expects `cancelling` → `cancelled` (or
 *                 `completed` when the batch had ended before the cancel reached it);
 *   batch-expire  asks for --expire-window as its completion window and expects `expired`.
 * In every case the output and error files must account for every custom_id as the status
 * allows (integrity.ts) and the lifecycle is read from the server's timestamps (lifecycle.ts).
 *
 * A failed workflow counts `workflows_failed` and records one `batch workflow` failure row with
 * its reason (the failing step's request failure, `batch failed: <code>`, `batch expired`,
 * `poll: not terminal after N polls`, `integrity: missing, duplicate` ...), so the failures
 * table says why; the default threshold `workflows_failed: count==0` fails the run.
 */
import { performance } from 'node:perf_hooks';
import { CheckFailure, RUN_STOPPED } from '../../http/errors.js';
import { readJson } from '../../http/client.js';
import type { BatchInput, BatchScenarioName, RunConfig } from '../../config/types.js';
import { batchTimelineFromObject } from '../../report/batch-timeline.js';
import { sleep } from '../../engine/sleep.js';
import type { IterationOutcome, Scenario, ScenarioContext, SharedRunState } from '../types.js';
import { downloadInto } from './download.js';
import type { BatchTracker } from './in-flight.js';
import { IntegrityCheck } from './integrity.js';
import { recordLifecycle } from './lifecycle.js';
import { batchRequestNames, PLAIN_CODE, WORKFLOW_COUNTERS, WORKFLOW_FAILURE_NAME } from './names.js';
import { pollUntilTerminal, type PollOutcome, type PollStart } from './poll.js';
import { recordThroughput } from './throughput.js';
import { uploadInput } from './upload.js';
import { verifyUpload } from './verify.js';
import { isTerminal, str, type BatchObject } from './wire.js';

/** What each scenario expects the batch to end as. */
const EXPECTED: Record<BatchScenarioName, string> = { batch: 'completed', 'batch-cancel': 'cancelled', 'batch-expire': 'expired' };

export function createBatchScenario(config: RunConfig, apiBase: string, shared?: SharedRunState, kind: BatchScenarioName = 'batch'): Scenario {
  const input = config.batch;
  if (!input) throw new Error('batch scenario needs a data file');
  const names = batchRequestNames(new URL(apiBase).pathname.replace(/\/+$/, ''));
  const window = kind === 'batch-expire' ? config.batchRun.expireWindow : '24h';

  const fail = (ctx: ScenarioContext, reason: string): IterationOutcome => {
    ctx.recorder.count('workflows_failed');
    ctx.recorder.failure(WORKFLOW_FAILURE_NAME, reason);
    return { ok: false, reason };
  };

  async function run(ctx: ScenarioContext): Promise<IterationOutcome> {
    const upload = await uploadInput(ctx, `${apiBase}/files`, names.upload, input!);
    if (!upload.ok) return fail(ctx, `upload: ${upload.error}`);
    recordThroughput(ctx.recorder, 'upload', input!.bytes, upload.durationMs);
    const fileId = upload.value.id;
    await ctx.think();

    const verified = await verifyUpload(ctx, apiBase, names, input!, fileId, config.verify);
    if (!verified.ok) return fail(ctx, `verify: ${verified.error}`);
    await ctx.think();

    const createSentMs = performance.now();
    const created = await createBatch(ctx, input!, fileId);
    if (!created.ok) return fail(ctx, `create: ${created.error}`);
    const createdAtMs = performance.now();
    const batchId = created.value.id;

    const inFlight = shared?.batchesInFlight?.track(created.value.status);
    try {
      return await followBatch(ctx, batchId, createSentMs, createdAtMs, created.value.status, inFlight);
    } finally {
      inFlight?.done();
    }
  }

  /** From the created batch to the verdict: poll (cancel), download, check. */
  async function followBatch(
    ctx: ScenarioContext,
    batchId: string,
    createSentMs: number,
    createdAtMs: number,
    initialStatus: string,
    inFlight: BatchTracker | undefined,
  ): Promise<IterationOutcome> {
    const batchUrl = `${apiBase}/batches/${encodeURIComponent(batchId)}`;
    let cancelTooLate = false;
    let polled: PollOutcome;
    let polls = 0;
    // a batch in a terminal status is no longer in flight
    const onStatus = inFlight ? (s: string) => (isTerminal(s) ? inFlight.done() : inFlight.set(s)) : undefined;
    let start = { createdAtMs, initialStatus, onStatus };
    if (kind === 'batch-cancel') {
      const before = await untilCancelTime(ctx, batchUrl, start);
      polls += before.polls;
      if (before.failed) {
        ctx.recorder.trend('batch_polls', polls, 'count');
        return fail(ctx, before.failed);
      }
      const cancelled = await cancelBatch(ctx, batchUrl);
      if (!cancelled.ok) return fail(ctx, `cancel: ${cancelled.error}`);
      cancelTooLate = cancelled.value.tooLate;
      if (cancelTooLate) ctx.recorder.count('batch_cancel_too_late');
      start = { createdAtMs, initialStatus: before.status ?? initialStatus, onStatus };
    }
    polled = await pollUntilTerminal(ctx, batchUrl, names.poll, config.poll, start);
    polls += polled.polls;
    ctx.recorder.trend('batch_polls', polls, 'count');
    inFlight?.done();
    if (!polled.ok) return fail(ctx, polled.reason);
    const batch = polled.batch;
    recordLifecycle(ctx.recorder, batch, { createSentMs, createAnsweredMs: createdAtMs, lastActiveSentMs: polled.lastActiveSentMs, terminalSeenMs: polled.seenMs }, polled.observed);
    shared?.batchTimelines.add(batchTimelineFromObject(batch));
    ctx.recorder.count(`batches_${batch.status}`);
    if (batch.status === 'failed') ctx.recorder.count(`batches_failed:${failedCode(batch) ?? 'unknown'}`);
    await ctx.think();

    const check = new IntegrityCheck(input!.customIds, input!.endpoint);
    const output = await downloadInto(ctx, apiBase, batch.output_file_id, names.output, check, false);
    if (!output.ok) return fail(ctx, `output: ${output.error}`);
    const errors = await downloadInto(ctx, apiBase, batch.error_file_id, names.errors, check, true);
    if (!errors.ok) return fail(ctx, `errors: ${errors.error}`);

    const report = check.finish(batch.status, batch.request_counts);
    const rec = ctx.recorder;
    rec.count('batch_lines_ok', report.succeeded);
    rec.count('batch_lines_failed', report.failed);
    if (report.absent > 0 && report.problems.missing === undefined) rec.count('batch_lines_absent', report.absent);
    if (report.outputTokens > 0) rec.count('batch_output_tokens', report.outputTokens);
    for (const [code, n] of Object.entries(report.errorCodes)) rec.count(`batch_line_errors:${code}`, n);
    for (const [kindName, n] of Object.entries(report.problems)) rec.count(`integrity_${kindName}`, n);
    if (!report.ok) {
      const checks = Object.entries(report.lineChecks).map(([r, n]) => `${r} ×${n}`).join(', ');
      ctx.log(`integrity: batch ${batchId} (${batch.status}): ${report.summary}${checks ? `; line checks: ${checks}` : ''}`);
      // the kinds only: the row groups workflows, the log line above has the ids
      return fail(ctx, `integrity: ${Object.keys(report.problems).map((k) => k.replace('_', ' ')).join(', ')}`);
    }
    const unexpected = kind === 'batch' ? terminalFailure(batch) : expectedEnd(kind, batch, cancelTooLate);
    if (unexpected) return fail(ctx, unexpected);
    ctx.recorder.count('workflows_completed');
    return { ok: true };
  }

  /**
   * batch-cancel: wait a random part of --cancel-after, or poll until the batch is in_progress.
   * A batch that ends first is still cancelled (the server answers 409: too late).
   */
  async function untilCancelTime(ctx: ScenarioContext, batchUrl: string, start: PollStart) {
    const after = config.batchRun.cancelAfterMs;
    if (after > 0) {
      await sleep(ctx.random() * after, ctx.signal);
      return ctx.signal.aborted ? { polls: 0, failed: RUN_STOPPED } : { polls: 0 };
    }
    const seen = await pollUntilTerminal(ctx, batchUrl, names.poll, config.poll, { ...start, until: (s) => s === 'in_progress' || isTerminal(s) });
    if (!seen.ok) return { polls: seen.polls, failed: seen.reason };
    return { polls: seen.polls, status: seen.batch.status };
  }

  async function cancelBatch(ctx: ScenarioContext, batchUrl: string) {
    return ctx.http.call(
      {
        name: names.cancel,
        method: 'POST',
        url: `${batchUrl}/cancel`,
        headers: ctx.authHeaders,
        // 409: the batch ended before the cancel reached it (a race a fast batch can win)
        okStatus: (s) => (s >= 200 && s < 300) || s === 409,
      },
      async (res) => {
        const body = await readJson<BatchObject & { error?: { code?: string } }>(res.body);
        if (res.status === 409) return { tooLate: true };
        if (!str(body, 'status')) throw new CheckFailure('cancel: response is not a batch');
        // cancelling (or already cancelled); any other status means the cancel did not take
        if (body.status !== 'cancelling' && body.status !== 'cancelled') return { tooLate: isTerminal(body.status) || body.status === 'finalizing' };
        return { tooLate: false };
      },
    );
  }

  async function createBatch(ctx: ScenarioContext, data: BatchInput, fileId: string) {
    const body = JSON.stringify({
      input_file_id: fileId,
      endpoint: data.endpoint,
      completion_window: window,
      metadata: { run_id: config.runId, user: String(ctx.userId), iteration: String(ctx.iteration), tool: 'batch-load', scenario: kind },
    });
    return ctx.http.call(
      { name: names.create, method: 'POST', url: `${apiBase}/batches`, headers: { ...ctx.authHeaders, 'content-type': 'application/json' }, body },
      async (res) => {
        const batch = await readJson<BatchObject>(res.body);
        if (!str(batch, 'id') || !str(batch, 'status')) throw new CheckFailure('create: response is not a batch');
        return batch;
      },
    );
  }

  return { name: kind, run, counters: WORKFLOW_COUNTERS };
}

function failedCode(batch: BatchObject): string | undefined {
  const code = batch.errors?.data?.[0]?.code;
  return typeof code === 'string' && PLAIN_CODE.test(code) ? code : undefined;
}

/**
 * Why a terminal batch is a failed workflow, undefined for `completed`: `batch failed: <code>`
 * (the first `errors.data` code, e.g. `token_limit_exceeded` for a batch past the enqueued-token
 * limit), `batch expired`, `batch cancelled`.
 */
export function terminalFailure(batch: BatchObject): string | undefined {
  if (batch.status === 'completed') return undefined;
  if (batch.status === 'failed') {
    const code = failedCode(batch);
    return code ? `batch failed: ${code}` : 'batch failed';
  }
  return `batch ${batch.status}`;
}

/** batch-cancel / batch-expire: undefined when the batch ended as expected. */
function expectedEnd(kind: BatchScenarioName, batch: BatchObject, cancelTooLate: boolean): string | undefined {
  const expected = EXPECTED[kind];
  if (batch.status === expected) return undefined;
  if (kind === 'batch-cancel' && cancelTooLate && batch.status === 'completed') return undefined;
  return `${terminalFailure(batch) ?? `batch ${batch.status}`} (expected ${expected})`;
}
