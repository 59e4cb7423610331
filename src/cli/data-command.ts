/** `batch-load data`: generates a Batch API input file (src/data/generate.ts). Exit 0, or 2 with one line. */
import type { Argv } from 'yargs';
import { ConfigError } from '../config/errors.js';
import { checkOutputPath } from '../config/output-paths.js';
import type { DataEndpoint } from '../data/generate.js';
import { addOptions, rawFromArgv } from '../options/cli.js';
import { DATA_OPTIONS } from '../options/data-options.js';
import { defaultOf, readValues } from '../options/read.js';
import { EXIT } from './exit-codes.js';
import type { CliIO } from './io.js';

export function dataCommandBuilder<T>(y: Argv<T>) {
  return addOptions(y, DATA_OPTIONS)
    .example('$0 data --endpoint chat --lines 50000 --prompt-tokens 512:128 --output-tokens 256:64 --shared-prefix 200 --seed 1 -o big.jsonl', 'a 50,000-line chat batch')
    .example('$0 data --from prompts.txt --endpoint responses -o batch.jsonl', 'one line per prompt of a text file')
    .epilogue('Token lengths use one token per 4 characters (the mock counts prompt tokens the same way).');
}

export async function runData(argv: Record<string, unknown>, io: CliIO): Promise<number> {
  // loaded here: a run does not load the generator
  const [{ generateBatchFile }, { parseLengthSpec }] = await Promise.all([import('../data/generate.js'), import('../data/lengths.js')]);
  try {
    const { raw, labels } = rawFromArgv(argv, DATA_OPTIONS, io.env);
    const v = readValues(DATA_OPTIONS, raw, { labels }) as Record<string, unknown>;
    const get = (key: string) => v[key] ?? defaultOf(DATA_OPTIONS.find((s) => s.key === key)!);
    const output = v.output as string | undefined;
    if (!output) throw new ConfigError('--output: where to write the file (-o big.jsonl)');
    checkOutputPath(output, '--output', io.cwd);
    const summary = await generateBatchFile({
      endpoint: get('endpoint') as DataEndpoint,
      output,
      lines: v.lines as number | undefined,
      from: v.from as string | undefined,
      model: v.model as string | undefined,
      seed: v.seed as number | undefined,
      promptTokens: parseLengthSpec(String(get('promptTokens')), '--prompt-tokens'),
      outputTokens: parseLengthSpec(String(get('outputTokens')), '--output-tokens'),
      sharedPrefixTokens: get('sharedPrefix') as number,
    });
    const out = summary.outputTokens ? `, output tokens mean ${summary.outputTokens.mean.toFixed(1)}` : '';
    io.stdout.write(
      `Wrote ${summary.path}: ${summary.lines} lines, ${(summary.bytes / 1e6).toFixed(1)} MB, ${summary.endpoint}, ` +
        `prompt tokens mean ${summary.promptTokens.mean.toFixed(1)} (${summary.promptTokens.min}..${summary.promptTokens.max})${out}\n`,
    );
    return EXIT.PASS;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    io.stderr.write(`batch-load data: ${e.message}\n`);
    return EXIT.USAGE;
  }
}
