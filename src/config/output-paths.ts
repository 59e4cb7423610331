/**
 * Every file a run will write is checked before any load: its directory exists or can be
 * created, and a file can be created (or appended to) there. A bad path is one line and exit 2,
 * instead of a crash at the first progress tick or a report lost after the whole run.
 *
 * Directories are created one level at a time (never `mkdir -p`, which can spin forever under
 * /proc), and the probe file is removed again when it did not exist before.
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { csvPaths } from '../report/csv.js';
import { ConfigError } from './errors.js';
import type { OutputConfig } from './types.js';

/** The files a run's outputs write, with the flag that named each. Add new outputs here. */
export function outputTargets(output: OutputConfig): Array<{ label: string; path: string }> {
  const out: Array<{ label: string; path: string }> = [];
  if (output.jsonFile) out.push({ label: '--json', path: output.jsonFile });
  if (output.csvPrefix) for (const path of Object.values(csvPaths(output.csvPrefix))) out.push({ label: '--csv', path });
  if (output.htmlFile) out.push({ label: '--html', path: output.htmlFile });
  if (output.junitFile) out.push({ label: '--junit', path: output.junitFile });
  return out;
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  const names: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'read-only file system',
    ENOENT: 'no such directory',
    ENOTDIR: 'a parent is not a directory',
    EISDIR: 'is a directory',
    ENOSPC: 'no space left',
  };
  return (code && names[code]) ?? (err as Error).message;
}

/** Creates the missing directories above `file`, one level at a time. */
function ensureDir(dir: string, label: string, file: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ConfigError(`${label}: cannot write ${file}: ${dir} is not a directory`);
    return;
  }
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent, label, file);
  try {
    mkdirSync(dir);
  } catch (err) {
    throw new ConfigError(`${label}: cannot create directory ${dir} for ${file}: ${why(err)}`);
  }
}

export function checkOutputPath(path: string, label: string, cwd = process.cwd()): void {
  const file = resolve(cwd, path);
  ensureDir(dirname(file), label, path);
  const existed = existsSync(file);
  if (existed && statSync(file).isDirectory()) throw new ConfigError(`${label}: ${path} is a directory`);
  try {
    // 'a' neither truncates an existing file nor fails on one; a new file is removed again
    closeSync(openSync(file, 'a'));
  } catch (err) {
    throw new ConfigError(`${label}: cannot write ${path}: ${why(err)}`);
  }
  if (!existed) unlinkSync(file);
}

export function checkOutputPaths(output: OutputConfig, cwd?: string): void {
  for (const t of outputTargets(output)) checkOutputPath(t.path, t.label, cwd);
}
