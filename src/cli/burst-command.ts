/** `--burst N`: seed 002's burst test, run against the given host or the embedded mock. */
import type { RunConfig } from '../config/types.js';
import { runBurst, parseMinSuccess, type BurstScenarioName } from '../engine/burst.js';
import { startEmbeddedTarget } from '../engine/embedded-target.js';
import { redactor } from '../http/redact.js';
import type { CliIO } from './io.js';

export async function runBurstCommand(config: RunConfig, argv: Record<string, unknown>, io: CliIO): Promise<number> {
  const err = (line: string) => io.stderr.write(`batch-load: ${redactor.redact(line)}\n`);
  const n = Number(argv.burst);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    err(`--burst: expected a whole number of requests between 1 and 100000, got '${String(argv.burst)}'`);
    return 2;
  }
  let minSuccess: number | undefined;
  try {
    minSuccess = argv.minSuccess === undefined ? undefined : parseMinSuccess(String(argv.minSuccess));
  } catch (e) {
    err((e as Error).message);
    return 2;
  }
  // burst fires one online request kind: chat unless --scenario names another single one
  let scenario: BurstScenarioName = 'chat';
  if (argv.scenario !== undefined) {
    const only = config.scenarios.length === 1 ? config.scenarios[0].name : undefined;
    if (!only || only === 'batch') {
      err(`--burst: needs one online scenario (chat, responses, embeddings or health), got '${String(argv.scenario)}'`);
      return 2;
    }
    scenario = only;
  }

  const mock = config.target.embedded ? await startEmbeddedTarget(config.auth) : undefined;
  const target = mock ? { ...config, target: { ...config.target, host: mock.url } } : config;
  if (mock) io.stdout.write(`No --host given: running against the embedded mock server at ${mock.url} (batch-load mock)\n`);
  try {
    const result = await runBurst(target, {
      n,
      minSuccess,
      scenario,
      signal: io.signal,
      out: (line) => io.stdout.write(`${redactor.redact(line)}\n`),
    });
    return result.exitCode;
  } finally {
    await mock?.close();
  }
}
