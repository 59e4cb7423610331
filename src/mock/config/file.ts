import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MockServerOptions } from './options.js';
import { MockConfigError, resolveOptions } from './resolve.js';

/**
 * Reads a mock config file: JSON for `.json`, YAML otherwise (YAML also accepts JSON).
 * The content is checked against the option shape, so a typo fails here with its name.
 */
export async function loadMockConfigFile(path: string): Promise<MockServerOptions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new MockConfigError(`cannot read config file ${path} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : 'parse error';
    throw new MockConfigError(`config file ${path} is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${reason}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MockConfigError(`config file ${path} must hold an object of options`);
  }
  // Validate now so errors point at the file, not at server start.
  resolveOptions(parsed as MockServerOptions);
  return parsed as MockServerOptions;
}
