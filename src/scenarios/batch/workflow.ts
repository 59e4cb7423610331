/**
 * The batch workflow, one iteration: upload → verify → create → poll → download output and
 * error files → integrity. Every iteration starts with fresh ids (nothing carries over between
 * iterations, unlike the Locust batch suite); any failed step ends the iteration as failed.
 *
 * A failed workflow counts `workflows_failed` and records one `batch workflow` failure row with
 * its reason (the failing step's request failure, `batch failed: <code>`, `batch expired`,
 * `poll: not terminal after N polls`, `integrity: missing, duplicate` ...), so the failures
 * table says why; the default threshold `workflows_failed: count==0` fails the run.
 */
import { performance } from 'node:perf_hooks';
import { CheckFailure } from '../../http/errors.js';
import { readAll, readJson } from '../../http/client.js';
import type { BatchInput, RunConfig } from '../../config/types.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import { checkIntegrity } from './integrity.js';
import { batchRequestNames, WORKFLOW_COUNTERS, WORKFLOW_FAILURE_NAME } from './names.js';
import { pollUntilTerminal } from './poll.js';
import { uploadInput } from './upload.js';
import { verifyUpload } from './verify.js';
import { str, type BatchObject } from './wire.js';

export function createBatchScenario(config: RunConfig, apiBase: string): Scenario {
  const input = config.batch;
  if (!input) throw new Error('batch scenario needs a data file');
  const names = batchRequestNames(new URL(apiBase).pathname.replace(/\/+$/, ''));

  const fail = (ctx: ScenarioContext, reason: string): IterationOutcome => {
    ctx.recorder.count('workflows_failed');
    ctx.recorder.failure(WORKFLOW_FAILURE_NAME, reason);
    return { ok: false, reason };
  };

  async function run(ctx: ScenarioContext): Promise<IterationOutcome> {
    const upload = await uploadInput(ctx, `${apiBase}/files`, names.upload, input!);
    if (!upload.ok) return fail(ctx, `upload: ${upload.error}`);
    const fileId = upload.value.id;
    await ctx.think();

    const verified = await verifyUpload(ctx, apiBase, names, input!, fileId, config.verify);
    if (!verified.ok) return fail(ctx, `verify: ${verified.error}`);
    await ctx.think();

    const created = await createBatch(ctx, input!, fileId);
    if (!created.ok) return fail(ctx, `create: ${created.error}`);
    const createdAtMs = performance.now();
    const batchId = created.value.id;

    const polled = await pollUntilTerminal(
      ctx,
      `${apiBase}/batches/${encodeURIComponent(batchId)}`,
      names.poll,
      config.poll,
      createdAtMs,
      created.value.status,
    );
    ctx.recorder.trend('batch_polls', polled.polls, 'count');
    if (!polled.ok) return fail(ctx, polled.reason);
    const batch = polled.batch;
    ctx.recorder.trend('batch_turnaround', performance.now() - createdAtMs, 'ms');
    ctx.recorder.count(`batches_${batch.status}`);
    await ctx.think();

    const output = await download(ctx, batch.output_file_id, names.output);
    if (!output.ok) return fail(ctx, `output: ${output.error}`);
    const errors = await download(ctx, batch.error_file_id, names.errors);
    if (!errors.ok) return fail(ctx, `errors: ${errors.error}`);

    const report = checkIntegrity(input!.customIds, output.text, errors.text, batch.request_counts, batch.status === 'completed');
    ctx.recorder.count('batch_lines_ok', report.succeeded);
    ctx.recorder.count('batch_lines_failed', report.failed);
    for (const [kind, n] of Object.entries(report.problems)) ctx.recorder.count(`integrity_${kind}`, n);
    if (!report.ok) {
      ctx.log(`integrity: batch ${batchId}: ${report.summary}`);
      // the kinds only: the row groups workflows, the log line above has the ids
      return fail(ctx, `integrity: ${Object.keys(report.problems).map((k) => k.replace('_', ' ')).join(', ')}`);
    }
    const terminal = terminalFailure(batch);
    if (terminal) return fail(ctx, terminal);
    ctx.recorder.count('workflows_completed');
    return { ok: true };
  }

  async function createBatch(ctx: ScenarioContext, data: BatchInput, fileId: string) {
    const body = JSON.stringify({
      input_file_id: fileId,
      endpoint: data.endpoint,
      completion_window: '24h',
      metadata: { run_id: config.runId, user: String(ctx.userId), iteration: String(ctx.iteration), tool: 'batch-load' },
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

  async function download(ctx: ScenarioContext, fileId: string | null | undefined, name: string) {
    if (!fileId) return { ok: true as const, text: '' };
    const res = await ctx.http.call(
      { name, method: 'GET', url: `${apiBase}/files/${encodeURIComponent(fileId)}/content`, headers: ctx.authHeaders },
      async (r) => (await readAll(r.body)).toString('utf8'),
    );
    return res.ok ? { ok: true as const, text: res.value } : { ok: false as const, error: res.error };
  }

  return { name: 'batch', run, counters: WORKFLOW_COUNTERS };
}

/** A batch error code short and plain enough to group by (no ids, no free text). */
const PLAIN_CODE = /^[\w.-]{1,64}$/;

/**
 * Why a terminal batch is a failed workflow, undefined for `completed`: `batch failed: <code>`
 * (the first `errors.data` code), `batch expired`, `batch cancelled`.
 */
export function terminalFailure(batch: BatchObject): string | undefined {
  if (batch.status === 'completed') return undefined;
  if (batch.status === 'failed') {
    const code = batch.errors?.data?.[0]?.code;
    return typeof code === 'string' && PLAIN_CODE.test(code) ? `batch failed: ${code}` : 'batch failed';
  }
  return `batch ${batch.status}`;
}
