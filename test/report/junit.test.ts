import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildJsonReport, type JsonReport } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { xmlAttr, xmlText } from '../../src/report/xml.js';
import { evaluateThresholds } from '../../src/thresholds/evaluate.js';
import { parseThresholds } from '../../src/thresholds/parse.js';
import { clockedRecorder, sampleSnapshot } from './fixture.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name) => ['testsuite', 'testcase'].includes(name) });

interface TestCase { name: string; classname: string; failure?: { message: string; '#text'?: string } }
interface Suite { name: string; tests: string; failures: string; testcase: TestCase[] }

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as { testsuites: { tests: string; failures: string; errors: string; testsuite: Suite[] } };
  return doc.testsuites;
}

function report(thresholds: string[], build: (r: ReturnType<typeof clockedRecorder>['recorder']) => void, extra: Partial<JsonReport> = {}): JsonReport {
  const { recorder, advance } = clockedRecorder();
  build(recorder);
  advance(10_000);
  const metrics = recorder.snapshot();
  const results = evaluateThresholds(parseThresholds(thresholds), metrics);
  return { ...buildJsonReport({ version: '0.1.0', runId: 'run-7', config: {}, metrics, thresholds: results, exitCode: results.every((t) => t.passed) ? 0 : 1 }), ...extra };
}

describe('renderJunit', () => {
  it('a run with one failed threshold: counts, names and the observed value in the message', () => {
    const doc = report(['http_req_duration: p(95)<50', 'errors: rate<0.1', 'POST /v1/chat/completions [chat]: p(99)<1000'], (r) => {
      for (let i = 1; i <= 100; i++) r.request('POST /v1/chat/completions [chat]', i);
      r.count('iterations:chat', 100);
    });
    const suites = parse(renderJunit(doc));
    expect(suites).toMatchObject({ tests: '5', failures: '1', errors: '0' });
    const [thresholds, checks] = suites.testsuite;
    expect(thresholds).toMatchObject({ name: 'thresholds', tests: '3', failures: '1' });
    expect(thresholds.testcase.map((c) => c.name)).toEqual(['http_req_duration: p(95)<50', 'errors: rate<0.1', 'POST /v1/chat/completions [chat]: p(99)<1000']);
    const failed = thresholds.testcase.filter((c) => c.failure);
    expect(failed.map((c) => c.name)).toEqual(['http_req_duration: p(95)<50']);
    expect(failed[0].failure!.message).toMatch(/^observed p\(95\)=95\.\d+ \(bound < 50\)$/);
    expect(checks).toMatchObject({ name: 'checks', tests: '2', failures: '0' });
    expect(checks.testcase.map((c) => c.name)).toEqual(['iterations: chat', 'run completed']);
  });

  it('integrity problems, failed workflows and an interrupted run are failed testcases', () => {
    const doc = { ...buildJsonReport({ version: '0', runId: 'r', config: {}, metrics: sampleSnapshot(), thresholds: [], exitCode: 0 }), interrupted: true };
    doc.metrics.counters['iterations_failed:batch'] = 1;
    const suites = parse(renderJunit(doc));
    expect(suites.testsuite.map((s) => s.name)).toEqual(['checks']);
    const cases = Object.fromEntries(suites.testsuite[0].testcase.map((c) => [c.name, c.failure?.message]));
    expect(cases).toEqual({
      integrity: '1 integrity problem(s): missing 1',
      'iterations: batch': '1 of 3 batch iterations failed',
      'run completed': 'the run was interrupted: the report is partial',
    });
    expect(suites).toMatchObject({ tests: '3', failures: '3' });
  });

  it('escapes names and messages, whatever the server sent', () => {
    const nasty = `</failure><x a="1">&'\u0001\uD800 "quoted"\nnext`;
    const doc = report([`POST /v1/x [${nasty}]: p(95)<1`], (r) => r.request(`POST /v1/x [${nasty}]`, 5));
    const xml = renderJunit(doc);
    expect(xml).not.toContain('</failure><x');
    const suites = parse(xml);
    const tc = suites.testsuite[0].testcase[0];
    // what a parser reads back is the name as sent, with the characters XML cannot carry replaced
    expect(tc.name).toBe(`POST /v1/x [${nasty.replace(/[\u0001\uD800]/g, '\uFFFD')}]: p(95)<1`);
    expect(tc.failure!.message).toMatch(/^observed p\(95\)=5 \(bound < 1\)$/);
    expect(xmlText('a\u0000b<')).toBe('a\uFFFDb&lt;');
    expect(xmlAttr('"\'\n\t')).toBe('&quot;&apos;&#10;&#9;');
  });
});
