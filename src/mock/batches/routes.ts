import type { ResolvedMockOptions } from '../config/defaults.js';
import type { FileStore } from '../files/store.js';
import { readJsonObject } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { HttpError, badRequest, notFound } from '../http/errors.js';
import { json, type Reply } from '../http/reply.js';
import { parseDuration } from '../../config/duration.js';
import { parsePageQuery } from '../util/pagination.js';
import { BATCH_ENDPOINTS, type BatchEndpoint, type BatchRecord, batchObject } from './model.js';
import type { BatchProcessor } from './processor.js';
import type { BatchStore } from './store.js';

const MAX_METADATA_PAIRS = 16;
const MAX_METADATA_KEY = 64;
const MAX_METADATA_VALUE = 512;

/** Handlers of the Batches API. */
export class BatchRoutes {
  constructor(
    private readonly batches: BatchStore,
    private readonly files: FileStore,
    private readonly processor: BatchProcessor,
    private readonly options: ResolvedMockOptions,
  ) {}

  async create(ctx: RequestContext): Promise<Reply> {
    const body = await readJsonObject(ctx.req, this.options.files.maxJsonBodyBytes);
    const { input_file_id: inputFileId, endpoint, completion_window: window } = body;
    if (typeof inputFileId !== 'string' || inputFileId.length === 0) {
      throw badRequest("Missing required parameter: 'input_file_id'.", 'input_file_id', 'missing_required_parameter');
    }
    if (endpoint === undefined) throw badRequest("Missing required parameter: 'endpoint'.", 'endpoint', 'missing_required_parameter');
    if (!BATCH_ENDPOINTS.includes(endpoint as BatchEndpoint)) {
      throw badRequest(`Invalid value for 'endpoint': expected one of ${BATCH_ENDPOINTS.join(', ')}.`, 'endpoint', 'invalid_value');
    }
    if (window === undefined) {
      throw badRequest("Missing required parameter: 'completion_window'.", 'completion_window', 'missing_required_parameter');
    }
    const expiryMs = this.completionWindowMs(window);
    const metadata = parseMetadata(body.metadata);
    const outputExpiresAfterSeconds = parseOutputExpiresAfter(body.output_expires_after);
    const file = this.files.get(inputFileId);
    if (!file) throw notFound(`No such File object: ${inputFileId}`, 'input_file_id');
    if (file.purpose !== 'batch') {
      throw badRequest(`The input file ${inputFileId} has purpose '${file.purpose}'; batches need a file with purpose 'batch'.`, 'input_file_id', 'invalid_value');
    }
    const batch = this.batches.create({
      basePath: ctx.basePath,
      endpoint: endpoint as BatchEndpoint,
      completionWindow: window as string,
      inputFile: file,
      metadata,
      outputExpiresAfterSeconds,
      expiryMs,
    });
    this.processor.start(batch);
    return this.reply(batch);
  }

  /** "24h" lasts batch.expiryMs; other durations only with batch.anyCompletionWindow. */
  private completionWindowMs(window: unknown): number {
    if (window === '24h') return this.options.batch.expiryMs;
    if (this.options.batch.anyCompletionWindow) {
      let ms = NaN;
      try {
        if (typeof window === 'string') ms = parseDuration(window, 'completion_window');
      } catch {
        // not a duration: the 400 below
      }
      if (ms >= 1) return ms;
      throw badRequest("Invalid value for 'completion_window': expected a duration such as '24h', '10m' or '30s'.", 'completion_window', 'invalid_value');
    }
    throw badRequest("Invalid value for 'completion_window': only '24h' is supported.", 'completion_window', 'invalid_value');
  }

  retrieve(ctx: RequestContext): Reply {
    return this.reply(this.find(ctx.param));
  }

  cancel(ctx: RequestContext): Reply {
    const batch = this.find(ctx.param);
    if (!this.processor.cancel(batch)) {
      throw new HttpError(409, `Cannot cancel a batch with status '${batch.status}'.`, 'invalid_request_error', null, 'batch_not_cancellable');
    }
    return this.reply(batch);
  }

  list(ctx: RequestContext): Reply {
    const page = this.batches.page(parsePageQuery(new URLSearchParams(ctx.query), 20, 100));
    const { msTimestamps } = this.options.batch;
    return json(200, JSON.stringify({ ...page, data: page.data.map((batch) => batchObject(batch, msTimestamps)) }));
  }

  private reply(batch: BatchRecord): Reply {
    return json(200, JSON.stringify(batchObject(batch, this.options.batch.msTimestamps)));
  }

  private find(id: string): BatchRecord {
    const batch = this.batches.get(id);
    if (!batch) throw notFound(`No such Batch object: ${id}`, 'batch_id');
    return batch;
  }
}

function parseMetadata(value: unknown): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest("Invalid 'metadata': expected an object of strings.", 'metadata', 'invalid_value');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_METADATA_PAIRS) {
    throw badRequest(`Invalid 'metadata': at most ${MAX_METADATA_PAIRS} key-value pairs are allowed.`, 'metadata', 'invalid_value');
  }
  for (const [key, v] of entries) {
    if (key.length > MAX_METADATA_KEY) throw badRequest(`Invalid 'metadata': keys are at most ${MAX_METADATA_KEY} characters.`, 'metadata', 'invalid_value');
    if (typeof v !== 'string') throw badRequest("Invalid 'metadata': values must be strings.", 'metadata', 'invalid_value');
    if (v.length > MAX_METADATA_VALUE) {
      throw badRequest(`Invalid 'metadata': values are at most ${MAX_METADATA_VALUE} characters.`, 'metadata', 'invalid_value');
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseOutputExpiresAfter(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  const v = value as { anchor?: unknown; seconds?: unknown };
  if (typeof value !== 'object' || v.anchor !== 'created_at' || typeof v.seconds !== 'number' || !Number.isInteger(v.seconds) || v.seconds < 3600 || v.seconds > 2_592_000) {
    throw badRequest(
      "Invalid 'output_expires_after': expected {anchor: 'created_at', seconds: 3600..2592000}.",
      'output_expires_after',
      'invalid_value',
    );
  }
  return v.seconds;
}
