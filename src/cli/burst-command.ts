/** `--burst N`: one pre-flight request, then N at once, against the given host or the embedded mock. */
import { needsDataFile } from '../config/scenario-mix.js';
import type { RunConfig } from '../config/types.js';
import { runBurst, parseMinSuccess, type BurstScenarioName } from '../engine/burst.js';
import { redactor } from '../http/redact.js';
import { buildBurstJsonReport } from '../report/burst.js';
import { writeJsonReport } from '../report/json.js';
import { VERSION } from './report-output.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';

export interface BurstArgs {
  /** requests at once (validated by the option registry: a whole number 1..100000) */
  burst: unknown;
  minSuccess?: unknown;
  /** the --scenario text, when given */
  scenario?: unknown;
}

export async function runBurstCommand(config: RunConfig, args: BurstArgs, io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load: ${redactor.redact(line)}\n`);
  const n = Number(args.burst);
  let minSuccess: number | undefined;
  try {
    minSuccess = args.minSuccess === undefined ? undefined : parseMinSuccess(String(args.minSuccess));
  } catch (e) {
    err((e as Error).message);
    return EXIT.USAGE;
  }
  // burst fires one online request kind: chat unless --scenario names another single one
  let scenario: BurstScenarioName = 'chat';
  if (args.scenario !== undefined) {
    const only = config.scenarios.length === 1 ? config.scenarios[0].name : undefined;
    if (!only || needsDataFile(only)) {
      err(`--burst: needs one online scenario (chat, responses, embeddings or health), got '${String(args.scenario)}'`);
      return EXIT.USAGE;
    }
    scenario = only;
  }

  const mock = config.target.embedded ? await (await import('../engine/embedded-target.js')).startEmbeddedTarget(config.auth) : undefined;
  const target = mock ? { ...config, target: { ...config.target, host: mock.url } } : config;
  if (mock) io.stdout.write(`No --host given: running against the embedded mock server at ${mock.url} (batch-load mock)\n`);
  try {
    const startedAt = new Date().toISOString();
    const result = await runBurst(target, {
      n,
      minSuccess,
      scenario,
      signal: io.signal,
      out: (line) => io.stdout.write(`${redactor.redact(line)}\n`),
    });
    if (config.output.jsonFile) {
      // burst's own JSON shape: the success rate as the one threshold, plus a `burst` section
      const doc = buildBurstJsonReport(result, {
        version: VERSION,
        runId: config.runId,
        startedAt,
        endedAt: new Date().toISOString(),
        config: { ...config, batch: undefined },
        secrets: [config.auth.apiKey, config.auth.basicAuthPassword].filter((s): s is string => !!s),
        minSuccess,
      });
      await writeJsonReport(config.output.jsonFile, doc);
      io.stdout.write(`Wrote ${config.output.jsonFile}\n`);
    }
    return result.exitCode;
  } finally {
    await mock?.close();
  }
}
