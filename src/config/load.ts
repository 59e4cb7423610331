import { loadBatchInput, resolveDataPath } from './data-file.js';
import type { RawRunOptions } from './options.js';
import { resolveRunConfig, type ResolveOptions } from './resolve.js';
import type { RunConfig } from './types.js';

/** Resolves options and loads (validates) the batch data file when a batch scenario runs. */
export async function loadRunConfig(raw: RawRunOptions, options: ResolveOptions = {}): Promise<RunConfig> {
  const { dataPath, ...config } = resolveRunConfig(raw, options);
  if (dataPath !== undefined) config.batch = await loadBatchInput(resolveDataPath(dataPath, options.cwd));
  return config;
}
