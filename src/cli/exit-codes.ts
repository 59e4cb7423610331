/**
 * The one exit-code table: what CI, Kubernetes Jobs and `docker run` act on. Printed by
 * `batch-load --help` and in the README.
 */
export const EXIT = {
  /** every threshold passed */
  PASS: 0,
  /** a threshold failed (each is listed with its observed value) */
  THRESHOLD_FAILED: 1,
  /** bad usage or configuration: one line on stderr, nothing sent */
  USAGE: 2,
  /** could not start: target unreachable, API key bootstrap failed, burst pre-flight failed */
  START_FAILED: 3,
  /** internal error (a bug in batch-load): what was counted is printed and written */
  INTERNAL: 4,
  /** interrupted (SIGINT/SIGTERM): partial summary and reports written, not judged as a pass */
  INTERRUPTED: 5,
  /** a worker was lost mid-run (scale-out): the rest finished, the report names it */
  WORKER_LOST: 6,
  /** a second SIGINT/SIGTERM: stopped at once, nothing more written */
  FORCED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_TABLE: ReadonlyArray<[number, string]> = [
  [EXIT.PASS, 'every threshold passed'],
  [EXIT.THRESHOLD_FAILED, 'a threshold failed (each is listed with its observed value)'],
  [EXIT.USAGE, 'bad usage or configuration (one line on stderr, nothing sent)'],
  [EXIT.START_FAILED, 'could not start: target unreachable, API key bootstrap failed, burst pre-flight failed'],
  [EXIT.INTERNAL, 'internal error: what was counted is printed and written, then exit'],
  [EXIT.INTERRUPTED, 'interrupted by SIGINT/SIGTERM: the partial report is written, never a pass'],
  [EXIT.WORKER_LOST, 'a worker process or pod was lost mid-run, or stopped early (the report names it)'],
  [EXIT.FORCED, 'a second SIGINT/SIGTERM: stopped at once'],
];

export function exitCodeHelp(): string {
  return ['Exit codes:', ...EXIT_CODE_TABLE.map(([code, text]) => `  ${String(code).padEnd(4)}${text}`)].join('\n');
}
