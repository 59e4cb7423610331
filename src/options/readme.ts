/** The README's flag reference for `batch-load run`, one table per --help group, from the registry. */
import { GROUPS, RUN_OPTIONS } from './run-options.js';
import { envNameOf, flagOf, type OptionSpec } from './spec.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');

function flagCell(s: OptionSpec): string {
  const names = [`--${flagOf(s)}`, ...(s.alias ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`))];
  if (s.type === 'boolean') names.push(`--no-${flagOf(s)}`);
  return names.map((n) => `\`${n}\``).join(', ');
}

function typeCell(s: OptionSpec): string {
  return s.type === 'enum' ? s.choices!.join(' \\| ') : s.type;
}

export function readmeFlagTables(
  table: readonly OptionSpec[] = RUN_OPTIONS,
  groups: readonly string[] = Object.values(GROUPS),
  /** BATCH_LOAD_<FLAG> is read for this table's options */
  withEnvVars = true,
): string {
  const specs = table.filter((s) => !s.hidden);
  const out: string[] = [];
  for (const group of groups) {
    const rows = specs.filter((s) => s.group === group);
    if (rows.length === 0) continue;
    out.push(`**${group.replace(/:$/, '')}**`, '', '| flag | type | default | env | meaning |', '|---|---|---|---|---|');
    for (const s of rows) {
      const dflt = s.defaultText ?? (s.default === undefined ? '' : String(s.default));
      const env = [...(withEnvVars ? [envNameOf(s)] : []), ...(s.env ?? [])].map((e) => `\`${e}\``).join(' ');
      const meaning = s.ignored ? `Ignored: ${s.ignored}` : s.describe;
      out.push(`| ${flagCell(s)} | ${typeCell(s)} | ${cell(dflt)} | ${env} | ${cell(meaning)} |`);
    }
    out.push('');
  }
  return out.join('\n').trimEnd();
}
