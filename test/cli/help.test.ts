// --help is generated from the option registry; the README's flag tables must name the same flags,
// and nothing a user reads talks in project history instead of tools and behaviour.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** Long flag names (without --, --no- folded) in a text. */
function flagNames(text: string): Set<string> {
  return new Set([...text.matchAll(/(?<![\w-])--(?:no-)?([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));
}

/** First cells of the flag tables (header `| flag ...`) of the run command's README sections. */
function runSectionTables(): string {
  const from = readme.indexOf('## Running a load test');
  const to = readme.indexOf('## The mock server');
  const cells: string[] = [];
  let inFlagTable = false;
  // other commands' generated tables (data, report, compare) are checked against their own --help
  const text = readme.slice(from, to).replace(/<!-- >>> [^\n]*\[(data|report|compare)\] -->[\s\S]*?\[\1\] -->/g, '');
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      inFlagTable = false;
      continue;
    }
    const first = line.split('|')[1] ?? '';
    if (/^\s*flag\b/i.test(first)) inFlagTable = true;
    else if (inFlagTable) cells.push(first);
  }
  return cells.join('\n');
}

describe('--help', () => {
  it('names the same flags as the README tables', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const helpFlags = flagNames(help.stdout.slice(help.stdout.indexOf('Target and auth:')));
    for (const builtin of ['help', 'version']) helpFlags.delete(builtin);
    const readmeFlags = flagNames(runSectionTables());
    expect([...readmeFlags].filter((f) => !helpFlags.has(f)), 'in the README tables but not in --help').toEqual([]);
    expect([...helpFlags].filter((f) => !readmeFlags.has(f)), 'in --help but in no README table').toEqual([]);
  });

  it.each([
    ['data', 'What to generate:'],
    ['report', 'Outputs:'],
    ['compare', 'Outputs:'],
  ])('of `%s` names the flags of its README table', async (command, firstGroup) => {
    const help = await runCli([command, '--help']);
    const block = new RegExp(`\\[${command}\\] -->([\\s\\S]*?)<!-- <<<`).exec(readme)![1]!;
    // option lines only (descriptions may mention other flags)
    const optionLines = help.stdout.slice(help.stdout.indexOf(firstGroup)).split('\n').filter((l) => /^\s+-/.test(l)).map((l) => l.split(/\s{2,}/)[1] ?? '');
    const helpFlags = flagNames(optionLines.join('\n'));
    for (const builtin of ['help', 'version']) helpFlags.delete(builtin);
    expect([...flagNames(block.split('\n').map((l) => l.split('|')[1] ?? '').join('\n'))].sort()).toEqual([...helpFlags].sort());
  });

  it('of `mock` names the flags of the README mock table', async () => {
    const help = await runCli(['mock', '--help']);
    const optionLines = help.stdout.split('\n').filter((l) => /^\s+-/.test(l)).map((l) => l.split(/\s{2,}/)[1] ?? '');
    const helpFlags = flagNames(optionLines.join('\n'));
    for (const builtin of ['help', 'version']) helpFlags.delete(builtin);
    const table = /### Flags and config keys([\s\S]*?)\nExample YAML/.exec(readme)![1]!;
    const readmeFlags = flagNames(table.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|')[1] ?? '').join('\n'));
    expect([...readmeFlags].sort()).toEqual([...helpFlags].sort());
  });

  it('teaches: types, examples and the exit-code table', async () => {
    const { stdout } = await runCli(['--help']);
    expect(stdout).toMatch(/--users\s+Virtual users .*\[integer\]/s);
    expect(stdout).toMatch(/--run-time .*\[duration\]/s);
    expect(stdout).toMatch(/Examples:/);
    expect(stdout).toMatch(/Exit codes:\n\s+0\s+every threshold passed/);
    for (const code of [0, 1, 2, 3, 4, 5]) expect(stdout).toMatch(new RegExp(`\\n\\s+${code}\\s+\\S`));
  });

  it.each([['run', ['--help']], ['mock', ['mock', '--help']], ['serve', ['serve', '--help']]])(
    '%s help speaks of tools and behaviour, not project history',
    async (_name, args) => {
      const { stdout } = await runCli(args);
      expect(stdout).not.toMatch(/seed \d{3}|reference suite|\bthe reference\b/i);
    },
  );
});
