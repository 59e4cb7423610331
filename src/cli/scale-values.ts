/** Typed values of a scale-out command's own option table: flag > BATCH_LOAD_<FLAG> > named env var > default. */
import { ConfigError } from '../config/errors.js';
import { redactor } from '../http/redact.js';
import { rawFromArgv } from '../options/cli.js';
import { defaultOf, readValues } from '../options/read.js';
import type { OptionSpec } from '../options/spec.js';

export function tableValues(table: readonly OptionSpec[], argv: Record<string, unknown>, env: Record<string, string | undefined>): Record<string, unknown> {
  const { raw, labels } = rawFromArgv(argv, table, env);
  const given = readValues(table, raw, { labels, env });
  const out: Record<string, unknown> = {};
  for (const spec of table) out[spec.key] = given[spec.key] ?? defaultOf(spec);
  return out;
}

/** The channel token: required, long enough to resist guessing, masked in all output from now on. */
export function channelToken(value: unknown): string {
  const token = typeof value === 'string' ? value.trim() : '';
  if (!token) throw new ConfigError('--token (or BATCH_LOAD_TOKEN): the shared secret the coordinator and its workers prove to each other is required');
  if (token.length < 16) throw new ConfigError('--token: at least 16 characters (for example `openssl rand -hex 24`)');
  redactor.add(token);
  return token;
}
