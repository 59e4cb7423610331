/** `batch-load report` and `batch-load compare` options: rendering and comparing saved JSON reports. */
import type { OptionSpec } from './spec.js';

const OUT = 'Outputs:';

export const REPORT_OPTIONS = [
  { key: 'html', type: 'string', group: OUT, describe: 'Write the self-contained HTML report to FILE' },
  { key: 'csv', type: 'string', group: OUT, describe: 'Write Locust-style PREFIX_stats.csv, PREFIX_failures.csv and (from the time series) PREFIX_stats_history.csv' },
  { key: 'junit', type: 'string', group: OUT, describe: 'Write JUnit XML to FILE (one testcase per threshold, integrity, failed workflows)' },
] as const satisfies readonly OptionSpec[];

export const COMPARE_OPTIONS = [
  { key: 'maxRegression', type: 'string', group: OUT, default: '10%',
    describe: 'A metric worse by more than this (10%, or 0.1) is a regression: exit 1' },
  { key: 'markdown', type: 'string', group: OUT, describe: 'Write the comparison as Markdown (for a pull-request comment) to FILE' },
  { key: 'html', type: 'string', group: OUT, describe: 'Write the comparison as a self-contained HTML page to FILE' },
] as const satisfies readonly OptionSpec[];
