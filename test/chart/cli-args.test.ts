// The arguments the chart renders must be accepted by the tester's own option parser (strict
// mode, the same parser configuration as src/cli/main.ts) and mean what the values say.
import { describe, expect, it } from 'vitest';
import yargs, { type Argv } from 'yargs';
import { mockCommandBuilder } from '../../src/cli/mock-command.js';
import { addOptions, PARSER_CONFIGURATION } from '../../src/options/cli.js';
import { RUN_OPTIONS } from '../../src/options/run-options.js';
import { helmTemplate } from '../helpers/helm.js';

/** Parses args the way src/cli/main.ts does (strict, values kept as typed). */
function parseStrict(args: string[], command: string | string[], builder: (y: Argv) => Argv): Record<string, unknown> {
  let failure: string | undefined;
  const argv = yargs(args)
    .parserConfiguration(PARSER_CONFIGURATION)
    .command(command, 'command', builder)
    .strict()
    .help(false)
    .version(false)
    .exitProcess(false)
    .fail((msg, err) => {
      failure = msg ?? err?.message;
    })
    .parseSync();
  expect(failure, `rendered args rejected by the CLI parser: ${args.join(' ')}`).toBeUndefined();
  return argv as Record<string, unknown>;
}

function parseRun(args: string[]): Record<string, unknown> {
  expect(args[0]).toBe('run');
  return parseStrict(args, ['run', '$0'], (y) => addOptions(y, RUN_OPTIONS));
}

function renderedArgs(values: Record<string, unknown>): string[] {
  return helmTemplate(values).all('Job')[0]!.spec.template.spec.containers[0].args as string[];
}

describe('rendered Job args against the CLI parser', () => {
  it('every run option renders as a flag the CLI knows, with the value from values.yaml', () => {
    const argv = parseRun(
      renderedArgs({
        preset: 'medium',
        run: {
          host: 'http://inference.ai.svc:3001',
          basePath: '/ai/v1',
          scenario: 'chat:3,batch:1',
          model: 'gpt-4o-mini',
          users: 7,
          spawnRate: 2.5,
          rate: 4,
          iterations: 100,
          connections: 16,
          runTime: '1h30m',
          stopTimeout: '45s',
          waitMin: 0,
          waitMax: '2s',
          verify: 'content',
          pollInterval: '1s',
          pollFactor: 2,
          pollMaxInterval: '20s',
          maxPolls: 30,
          maxWait: '10m',
          pollJitter: false,
          requestTimeout: '30s',
          progressInterval: '10s',
          seed: 42,
          onlySummary: true,
          defaultThresholds: false,
          thresholds: ['POST /v1/files [upload]: p(99)<800', 'errors: rate<0.01'],
          extraArgs: ['--prompt-repeat', '150'],
        },
        testData: { inline: '{"custom_id":"1"}\n' },
        results: { csvPrefix: 'run' },
      }),
    );
    expect(argv).toMatchObject({
      preset: 'medium',
      host: 'http://inference.ai.svc:3001',
      basePath: '/ai/v1',
      scenario: 'chat:3,batch:1',
      model: 'gpt-4o-mini',
      users: '7',
      spawnRate: '2.5',
      rate: '4',
      iterations: '100',
      connections: '16',
      runTime: '1h30m',
      stopTimeout: '45s',
      waitMin: '0',
      waitMax: '2s',
      verify: 'content',
      pollInterval: '1s',
      pollFactor: '2',
      pollMaxInterval: '20s',
      maxPolls: '30',
      maxWait: '10m',
      pollJitter: false,
      requestTimeout: '30s',
      progressInterval: '10s',
      seed: '42',
      onlySummary: true,
      defaultThresholds: false,
      threshold: ['POST /v1/files [upload]: p(99)<800', 'errors: rate<0.01'],
      data: '/test-data/inline.jsonl',
      json: '/results/report.json',
      csv: '/results/run',
      promptRepeat: '150',
    });
  });

  it('the default render and the mock target parse too', () => {
    expect(parseRun(renderedArgs({}))).toMatchObject({ preset: 'smoke', json: '/results/report.json' });
    expect(parseRun(renderedArgs({ mock: { enabled: true }, testData: { builtin: 'large' } }))).toMatchObject({
      host: 'http://bl-batch-load-mock:8080',
      data: 'large',
    });
  });
});

describe('rendered mock Deployment args against the CLI parser', () => {
  it('`mock --port --bind` are flags the mock command knows', async () => {
    const args = helmTemplate({ mock: { enabled: true } }).find('Deployment')!.spec.template.spec.containers[0].args as string[];
    const argv = parseStrict(args, 'mock', (y) => mockCommandBuilder(y));
    expect(String(argv.port)).toBe('8080');
    expect(argv.bind).toBe('0.0.0.0');
  });
});
