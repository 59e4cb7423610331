import { ConfigError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration any option takes: 24 days. Node's timers hold at most 2^31−1 ms
 * (~24.8 days) and silently fire after 1 ms beyond that, so longer values are refused here with
 * a clear message instead of turning into a 1 ms run.
 */
export const MAX_DURATION_MS = 24 * 86_400_000;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * The one duration parser (every command, flag, env var, config file and request body):
 * `90s`, `2m`, `1h30m`, `1m30s`, `500ms`, `1.5s`, `1d`. A bare number — `20` or the JSON number
 * 20 — means seconds, as in Locust's `--run-time 20`. Negative, empty and over-24-day values are
 * usage errors naming `label` (a flag, env var or field).
 */
export function parseDuration(input: string | number, label: string): number {
  const bad = (why = 'expected a duration such as 90s, 2m or 1h30m'): never => {
    throw new ConfigError(`${label}: ${why}, got '${String(input)}'`);
  };
  let ms: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) bad();
    if (input < 0) bad('must not be negative');
    ms = input * 1000;
  } else {
    const text = input.trim().toLowerCase();
    if (text.startsWith('-')) bad('must not be negative');
    if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
    else {
      const parts = text.match(PART);
      if (!parts || parts.join('') !== text) bad();
      ms = 0;
      for (const part of parts!) {
        const [, value, unit] = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(part)!;
        ms += Number(value) * UNIT_MS[unit!]!;
      }
    }
  }
  if (ms > MAX_DURATION_MS) bad('must be at most 24d (24 days)');
  return Math.round(ms);
}

/** `125000` → `2m5s`; for messages and reports. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${d ? `${d}d` : ''}${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!d && !h && !m) ? `${s}s` : ''}`;
}
