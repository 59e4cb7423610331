import { loadBatchInput, resolveDataPath } from './data-file.js';
import { checkOutputPaths } from './output-paths.js';
import { resolveRunConfig, type RawRunOptions, type ResolveOptions } from './resolve.js';
import type { RunConfig } from './types.js';

/**
 * Resolves options, checks every output path can be written, and loads (validates) the batch
 * data file when a batch scenario runs: all before any request is sent.
 */
export async function loadRunConfig(raw: RawRunOptions, options: ResolveOptions = {}): Promise<RunConfig> {
  const { dataPath, ...config } = resolveRunConfig(raw, options);
  checkOutputPaths(config.output, options.cwd);
  if (dataPath !== undefined) config.batch = await loadBatchInput(resolveDataPath(dataPath, options.cwd));
  return config;
}
