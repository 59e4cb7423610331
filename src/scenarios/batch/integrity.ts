/**
 * The check no other tool does: every custom_id sent comes back exactly once across the output
 * and error files, none unknown, and the batch's request_counts agree with the lines. It runs
 * line by line as the files stream in (IntegrityCheck.line), so memory is the set of ids seen,
 * never a whole file. Each successful line's `response.body` also gets the online scenarios'
 * checks for its endpoint (line-checks.ts).
 *
 * What a terminal status requires:
 *   completed   every id in exactly one file; total = input lines, completed = successful
 *               lines, failed = failed lines.
 *   cancelled,  no id twice or unknown; completed = successful lines; failed = the failed lines,
 *   expired     with or without the lines never started (`batch_cancelled` / `batch_expired`):
 *               servers differ; an id may be absent from both files only where the counts
 *               leave lines unaccounted for (total − completed − failed, less the unstarted
 *               lines the files hold but `failed` leaves out). A batch the server never counted
 *               (total 0) may have no lines at all.
 *   failed      (validation) no id twice or unknown.
 */
import { CheckFailure } from '../../http/errors.js';
import { checkLineBody, type LineCheckResult } from './line-checks.js';
import { PLAIN_CODE } from './names.js';
import type { BatchRequestCounts } from './wire.js';

export type IntegrityKind = 'missing' | 'duplicate' | 'unknown' | 'count_mismatch' | 'unparseable' | 'line_check';

export interface IntegrityReport {
  ok: boolean;
  /** lines in the output file / error file */
  outputLines: number;
  errorLines: number;
  /** lines whose response.status_code is 2xx */
  succeeded: number;
  failed: number;
  /** ids absent from both files (allowed or not) */
  absent: number;
  /** how many ids (or, for count_mismatch, fields) each kind concerns */
  problems: Partial<Record<IntegrityKind, number>>;
  /** failed lines by error code (`batch_cancelled`, `rate_limit_exceeded` ...), at most MAX_CODES */
  errorCodes: Record<string, number>;
  /** successful lines whose body failed its endpoint's check, by reason */
  lineChecks: Record<string, number>;
  /** output tokens from the successful lines' usage */
  outputTokens: number;
  /** one line for the log, e.g. `missing 1 (request-3)` */
  summary: string;
}

/** Codes of lines the server never started. */
const UNSTARTED = new Set(['batch_cancelled', 'batch_expired']);
const MAX_CODES = 32;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The error code of a failed line: `error.code`, else the body's `error.code`, else the status. */
function errorCodeOf(line: Json, status: number | undefined): string {
  const direct = isObject(line.error) ? line.error.code : undefined;
  if (typeof direct === 'string') return direct;
  const body = isObject(line.response) ? line.response.body : undefined;
  const nested = isObject(body) && isObject(body.error) ? body.error.code : undefined;
  if (typeof nested === 'string') return nested;
  return status !== undefined ? `http_${status}` : 'unknown';
}

/** The expected ids of an input as a Set, built once per input (the array is the input's). */
const expectedSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function expectedSet(ids: readonly string[]): ReadonlySet<string> {
  let set = expectedSets.get(ids);
  if (!set) expectedSets.set(ids, (set = new Set(ids)));
  return set;
}

export class IntegrityCheck {
  private readonly expected: ReadonlySet<string>;
  /** ids seen once; ids seen twice or more move to `repeated` */
  private readonly seen = new Set<string>();
  private readonly problems: Partial<Record<IntegrityKind, number>> = {};
  private readonly examples: Partial<Record<IntegrityKind, string>> = {};
  private readonly errorCodes: Record<string, number> = {};
  private readonly lineChecks: Record<string, number> = {};
  private codes = 0;
  private outputLines = 0;
  private errorLines = 0;
  private succeeded = 0;
  private failed = 0;
  private unstarted = 0;
  private outputTokens = 0;

  constructor(
    private readonly expectedIds: readonly string[],
    /** the batch endpoint (`/v1/chat/completions` ...): which check each body gets; none: no check */
    private readonly endpoint?: string,
  ) {
    this.expected = expectedSet(expectedIds);
  }

  private bump(kind: IntegrityKind, n = 1, example?: string): void {
    this.problems[kind] = (this.problems[kind] ?? 0) + n;
    if (example !== undefined) this.examples[kind] ??= example;
  }

  /** One line of the output or the error file (blank lines are skipped). */
  line(text: string, isErrorFile: boolean): void {
    if (text.trim() === '') return;
    if (isErrorFile) this.errorLines++;
    else this.outputLines++;
    let line: Json;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isObject(parsed) || typeof parsed.custom_id !== 'string') throw new SyntaxError('no custom_id');
      line = parsed;
    } catch {
      this.bump('unparseable');
      return;
    }
    const id = line.custom_id as string;
    const response = isObject(line.response) ? line.response : undefined;
    const status = typeof response?.status_code === 'number' ? response.status_code : undefined;
    const ok = status !== undefined && status >= 200 && status < 300 && (line.error === null || line.error === undefined);
    if (ok) {
      this.succeeded++;
      if (this.endpoint) this.checkBody(response!.body);
    } else {
      this.failed++;
      const code = errorCodeOf(line, status);
      if (UNSTARTED.has(code)) this.unstarted++;
      this.countCode(PLAIN_CODE.test(code) ? code : 'other');
    }
    if (!this.expected.has(id)) {
      this.bump('unknown', 1, id);
      return;
    }
    if (this.seen.has(id)) this.bump('duplicate', 1, id);
    else this.seen.add(id);
  }

  private countCode(code: string): void {
    if (this.errorCodes[code] === undefined) {
      if (this.codes >= MAX_CODES) code = 'other';
      else this.codes++;
    }
    this.errorCodes[code] = (this.errorCodes[code] ?? 0) + 1;
  }

  private checkBody(raw: unknown): void {
    // one reference implementation sends the body as a JSON string
    let body = raw;
    let result: LineCheckResult;
    try {
      if (typeof raw === 'string') body = JSON.parse(raw);
      result = checkLineBody(this.endpoint!, body);
    } catch (err) {
      const reason = err instanceof CheckFailure ? err.message : 'invalid JSON body';
      this.lineChecks[reason] = (this.lineChecks[reason] ?? 0) + 1;
      this.bump('line_check', 1, reason);
      return;
    }
    this.outputTokens += result.outputTokens ?? 0;
  }

  /** The verdict once both files are read, for the batch's terminal status and counts. */
  finish(status: string, counts: BatchRequestCounts | null | undefined): IntegrityReport {
    const absent = this.expected.size - this.seen.size;
    if (status === 'completed') {
      if (absent > 0) this.bump('missing', absent, this.firstAbsent());
      if (counts && (counts.total !== this.expectedIds.length || counts.completed !== this.succeeded || counts.failed !== this.failed)) {
        this.bump('count_mismatch');
      }
    } else if (status === 'cancelled' || status === 'expired') {
      const started = this.failed - this.unstarted;
      const failedAgrees = !counts || counts.failed === this.failed || counts.failed === started;
      if (counts && (counts.completed !== this.succeeded || !failedAgrees || (counts.total !== 0 && counts.total !== this.expectedIds.length))) {
        this.bump('count_mismatch');
      }
      // lines the counts leave unaccounted for, which the files need not hold
      let allowed = 0;
      if (counts && counts.total === 0) allowed = absent;
      else if (counts) allowed = Math.max(0, counts.total - counts.completed - counts.failed - (counts.failed === started ? this.unstarted : 0));
      if (absent > allowed) this.bump('missing', absent - allowed, this.firstAbsent());
    }
    const kinds = Object.keys(this.problems) as IntegrityKind[];
    const summary = kinds
      .map((k) => `${k.replace('_', ' ')} ${this.problems[k]}${this.examples[k] ? ` (${this.examples[k]})` : ''}`)
      .join(', ');
    return {
      ok: kinds.length === 0,
      outputLines: this.outputLines,
      errorLines: this.errorLines,
      succeeded: this.succeeded,
      failed: this.failed,
      absent,
      problems: this.problems,
      errorCodes: this.errorCodes,
      lineChecks: this.lineChecks,
      outputTokens: this.outputTokens,
      summary: summary || 'ok',
    };
  }

  private firstAbsent(): string | undefined {
    for (const id of this.expectedIds) if (!this.seen.has(id)) return id;
    return undefined;
  }
}

/** Whole files at once (tests, small inputs): the same check as the streamed one. */
export function checkIntegrity(
  expectedIds: readonly string[],
  outputText: string,
  errorText: string,
  counts: BatchRequestCounts | null | undefined,
  /** true: the batch completed (every id must come back); false: cancelled or expired */
  requireAll: boolean,
  endpoint?: string,
): IntegrityReport {
  const check = new IntegrityCheck(expectedIds, endpoint);
  for (const line of outputText.split('\n')) check.line(line, false);
  for (const line of errorText.split('\n')) check.line(line, true);
  return check.finish(requireAll ? 'completed' : 'cancelled', counts);
}
