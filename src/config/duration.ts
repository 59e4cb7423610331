import { ConfigError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses Locust/k6 style durations: `90s`, `2m`, `1h30m`, `1m30s`, `500ms`, `1.5s`.
 * A bare number means seconds, as in Locust's `--run-time 20`.
 */
export function parseDuration(input: string | number, flag: string): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new ConfigError(`${flag}: expected a duration such as 90s, 2m or 1h30m, got '${input}'`);
    return Math.round(input * 1000);
  }
  const text = input.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = text.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g);
  if (!parts || parts.join('') !== text) {
    throw new ConfigError(`${flag}: expected a duration such as 90s, 2m or 1h30m, got '${input}'`);
  }
  let ms = 0;
  for (const part of parts) {
    const [, value, unit] = part.match(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/)!;
    ms += Number(value) * UNIT_MS[unit];
  }
  return Math.round(ms);
}

/** `125000` → `2m5s`; for messages and reports. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
