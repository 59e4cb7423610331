/**
 * `--junit FILE`: the verdict as JUnit XML for CI systems. Two test suites:
 *   - `thresholds`: one testcase per threshold; a failed one carries the observed value and the
 *     bound in its failure message (`observed p(95)=1234 (bound <= 1000)`);
 *   - `checks`: what a run can get wrong besides its thresholds: `integrity` (batch runs: every
 *     custom_id came back exactly once), one `iterations: <scenario>` per scenario (fails when
 *     any iteration (a batch workflow, a chat request ...) failed) and `run completed` (fails
 *     when the run was interrupted). These fail even when no threshold judged them, so CI shows
 *     them; the exit code still follows the thresholds.
 */
import type { JsonReport } from './json.js';
import { thresholdCondition, thresholdObserved } from './summary.js';
import { renderXml, type XmlElement } from './xml.js';
import { fmtNum } from './format.js';

const INTEGRITY_PREFIX = 'integrity_';
const ITERATIONS_PREFIX = 'iterations:';

interface Case {
  name: string;
  classname: string;
  /** failure message; undefined when the case passed */
  failure?: string;
  /** failure details (text body) */
  details?: string;
}

/** The JUnit XML document of a JSON report. */
export function renderJunit(report: JsonReport): string {
  const seconds = report.metrics.elapsedSeconds;
  const suites = [
    suite('thresholds', thresholdCases(report), report.startedAt, seconds),
    suite('checks', checkCases(report), report.startedAt, 0),
  ].filter((s) => (s.children?.length ?? 0) > 0);
  const tests = suites.reduce((n, s) => n + Number(s.attrs?.tests ?? 0), 0);
  const failures = suites.reduce((n, s) => n + Number(s.attrs?.failures ?? 0), 0);
  return renderXml({
    name: 'testsuites',
    attrs: { name: `batch-load run ${report.runId}`, tests, failures, errors: 0, time: fmtSeconds(seconds) },
    children: suites,
  });
}

function thresholdCases(report: JsonReport): Case[] {
  return report.thresholds.map((t) => ({
    name: t.source,
    classname: 'batch-load.thresholds',
    ...(t.passed
      ? {}
      : {
          failure: `observed ${thresholdObserved(t)} (bound ${t.op} ${fmtNum(t.threshold)})`,
          details: `metric: ${t.metric}\ncondition: ${thresholdCondition(t)}\nobserved: ${t.observed === null ? 'n/a' : fmtNum(t.observed)}${t.note ? `\nnote: ${t.note}` : ''}`,
        }),
  }));
}

function checkCases(report: JsonReport): Case[] {
  const counters = report.metrics.counters;
  const cases: Case[] = [];
  const batchRan = counters[`${ITERATIONS_PREFIX}batch`] !== undefined || Object.keys(counters).some((k) => k.startsWith('workflows_'));
  const problems = Object.entries(counters).filter(([k, v]) => k.startsWith(INTEGRITY_PREFIX) && v > 0);
  if (batchRan || problems.length > 0) {
    const total = problems.reduce((n, [, v]) => n + v, 0);
    cases.push({
      name: 'integrity',
      classname: 'batch-load.checks',
      ...(total > 0
        ? {
            failure: `${fmtNum(total)} integrity problem(s): ${problems.map(([k, v]) => `${k.slice(INTEGRITY_PREFIX.length)} ${fmtNum(v)}`).join(', ')}`,
            details: problems.map(([k, v]) => `${k}: ${fmtNum(v)}`).join('\n'),
          }
        : {}),
    });
  }
  const scenarios = Object.keys(counters)
    .filter((k) => k.startsWith(ITERATIONS_PREFIX))
    .map((k) => k.slice(ITERATIONS_PREFIX.length))
    .sort();
  for (const s of scenarios) {
    const started = counters[`${ITERATIONS_PREFIX}${s}`] ?? 0;
    const failed = counters[`iterations_failed:${s}`] ?? 0;
    cases.push({
      name: `iterations: ${s}`,
      classname: 'batch-load.checks',
      ...(failed > 0 ? { failure: `${fmtNum(failed)} of ${fmtNum(started)} ${s} iterations failed` } : {}),
    });
  }
  cases.push({
    name: 'run completed',
    classname: 'batch-load.checks',
    ...(report.interrupted ? { failure: 'the run was interrupted: the report is partial' } : {}),
  });
  return cases;
}

function suite(name: string, cases: Case[], timestamp: string, seconds: number): XmlElement {
  return {
    name: 'testsuite',
    attrs: {
      name,
      tests: cases.length,
      failures: cases.filter((c) => c.failure !== undefined).length,
      errors: 0,
      skipped: 0,
      time: fmtSeconds(seconds),
      timestamp: timestamp.replace(/\.\d+Z$/, '').replace(/Z$/, ''),
    },
    children: cases.map((c) => ({
      name: 'testcase',
      attrs: { name: c.name, classname: c.classname, time: '0' },
      children: c.failure !== undefined ? [{ name: 'failure', attrs: { message: c.failure, type: 'failure' }, text: c.details ?? c.failure }] : undefined,
    })),
  };
}

const fmtSeconds = (s: number) => (Number.isFinite(s) ? s.toFixed(3) : '0');
