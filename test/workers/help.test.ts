// The README's coordinator, worker and merge tables name the flags their --help names.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const flagNames = (text: string) => new Set([...text.matchAll(/(?<![\w-])--(?:no-)?([a-z][a-z0-9-]*)/g)].map((m) => m[1]!));

describe.each([
  ['coordinator', 'Coordinator:'],
  ['worker', 'Worker:'],
  ['merge', 'Merge:'],
])('batch-load %s --help', (command, group) => {
  it('names the flags of its README table', async () => {
    const help = await runCli([command, '--help']);
    expect(help.code).toBe(0);
    const from = help.stdout.indexOf(group);
    // the flag each help line starts with (descriptions may name other flags)
    const section = help.stdout.slice(from, help.stdout.indexOf('\n\n', from));
    const helpFlags = new Set([...section.matchAll(/^\s+(?:-\w, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!));
    const block = new RegExp(`\\[${command}\\] -->([\\s\\S]*?)<!-- <<<`).exec(readme)![1]!;
    const readmeFlags = flagNames(block.split('\n').map((l) => l.split('|')[1] ?? '').join('\n'));
    expect([...readmeFlags].sort()).toEqual([...helpFlags].sort());
  });
});
