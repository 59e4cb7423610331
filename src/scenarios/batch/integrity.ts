/**
 * The check no other tool does: every custom_id sent comes back exactly once across the output
 * and error files, none unknown, and the batch's request_counts agree with the lines.
 */
import type { BatchRequestCounts } from './wire.js';

export type IntegrityKind = 'missing' | 'duplicate' | 'unknown' | 'count_mismatch' | 'unparseable';

export interface IntegrityReport {
  ok: boolean;
  /** lines in the output file / error file */
  outputLines: number;
  errorLines: number;
  /** lines whose response.status_code is 2xx */
  succeeded: number;
  failed: number;
  /** how many ids (or, for count_mismatch, fields) each kind concerns */
  problems: Partial<Record<IntegrityKind, number>>;
  /** one line for the log, e.g. `missing 1 custom_id (request-3)` */
  summary: string;
}

interface ParsedLine {
  customId?: string;
  ok: boolean;
}

function parseLine(text: string): ParsedLine | undefined {
  try {
    const obj = JSON.parse(text) as { custom_id?: unknown; response?: { status_code?: unknown } | null; error?: unknown };
    const status = typeof obj.response?.status_code === 'number' ? obj.response.status_code : undefined;
    const ok = status !== undefined && status >= 200 && status < 300 && !obj.error;
    return { customId: typeof obj.custom_id === 'string' ? obj.custom_id : undefined, ok };
  } catch {
    return undefined;
  }
}

function* lines(text: string): Generator<string> {
  for (const line of text.split('\n')) if (line.trim() !== '') yield line;
}

export function checkIntegrity(
  expectedIds: readonly string[],
  outputText: string,
  errorText: string,
  counts: BatchRequestCounts | null | undefined,
  /** for failed/expired/cancelled batches not every id need come back */
  requireAll: boolean,
): IntegrityReport {
  const expected = new Set(expectedIds);
  const seen = new Map<string, number>();
  const problems: Partial<Record<IntegrityKind, number>> = {};
  const bump = (k: IntegrityKind, n = 1) => (problems[k] = (problems[k] ?? 0) + n);
  const examples: Partial<Record<IntegrityKind, string>> = {};
  let outputLines = 0;
  let errorLines = 0;
  let succeeded = 0;
  let failed = 0;

  const take = (text: string, isErrorFile: boolean) => {
    for (const raw of lines(text)) {
      if (isErrorFile) errorLines++;
      else outputLines++;
      const line = parseLine(raw);
      if (!line || line.customId === undefined) {
        bump('unparseable');
        continue;
      }
      if (line.ok) succeeded++;
      else failed++;
      const id = line.customId;
      if (!expected.has(id)) {
        bump('unknown');
        examples.unknown ??= id;
        continue;
      }
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n === 2) {
        bump('duplicate');
        examples.duplicate ??= id;
      }
    }
  };
  take(outputText, false);
  take(errorText, true);

  if (requireAll) {
    for (const id of expectedIds) {
      if (!seen.has(id)) {
        bump('missing');
        examples.missing ??= id;
      }
    }
  }
  if (counts) {
    // a completed batch must account for every line; after cancel/expiry servers differ on
    // whether the unprocessed lines count as failed, so only the successes must agree
    const mismatch = requireAll
      ? counts.total !== expectedIds.length || counts.completed !== succeeded || counts.failed !== failed
      : counts.completed !== succeeded;
    if (mismatch) bump('count_mismatch');
  }

  const kinds = Object.keys(problems) as IntegrityKind[];
  const summary = kinds
    .map((k) => `${k.replace('_', ' ')} ${problems[k]}${examples[k] ? ` (${examples[k]})` : ''}`)
    .join(', ');
  return { ok: kinds.length === 0, outputLines, errorLines, succeeded, failed, problems, summary: summary || 'ok' };
}
