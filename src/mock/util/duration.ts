const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration: a number (milliseconds) or a string like "250ms", "2s", "5m", "24h".
 * Returns NaN when the value is not a duration, so callers can report a clear error.
 */
export function parseDurationMs(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
}
