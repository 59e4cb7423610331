import { badRequest } from '../http/errors.js';
import type { CapacityGate } from '../capacity.js';
import type { ResolvedMockOptions } from '../config/defaults.js';
import type { LatencyModel } from '../latency.js';
import type { SequentialIds } from '../util/ids.js';
import type { TimerRegistry } from '../util/timers.js';
import type { MockText } from './text.js';

/** What the inference handlers share, online and for batch lines. */
export interface InferenceDeps {
  readonly options: ResolvedMockOptions;
  readonly latency: LatencyModel;
  readonly text: MockText;
  readonly timers: TimerRegistry;
  readonly ids: SequentialIds;
  /** The capacity model (--max-concurrency); null when off, which costs nothing per request. */
  readonly capacity: CapacityGate | null;
}

/** A finished non-streaming result: what a batch line records, and what the online route sends. */
export interface InferenceResult {
  status: number;
  /** Serialized JSON body. */
  body: string;
  /** Token usage, summed into a batch's `usage`. */
  usage?: { inputTokens: number; outputTokens: number };
}

/**
 * One inference endpoint. `complete` is the shared core (validation, latency, body) used by the
 * online route and by every batch line; `online` adds streaming on top.
 */
export interface InferenceEndpoint {
  /** Route pattern under a base path, e.g. "/chat/completions". */
  readonly path: string;
  complete(body: Record<string, unknown>): Promise<InferenceResult>;
}

export function optionalPositiveInt(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return Number.NaN;
  return value;
}

/** The body's `model`, or the API's 400 when it is missing or empty. */
export function requireModel(body: Record<string, unknown>): string {
  const { model } = body;
  if (typeof model !== 'string' || model.length === 0) throw badRequest('you must provide a model parameter', 'model');
  return model;
}

/** `stream_options.include_usage: true`: a streamed reply ends with a usage chunk. */
export function includeUsage(body: Record<string, unknown>): boolean {
  const o = body.stream_options;
  return typeof o === 'object' && o !== null && (o as { include_usage?: unknown }).include_usage === true;
}
