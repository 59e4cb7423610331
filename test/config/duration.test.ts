import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/config/duration.js';
import { ConfigError } from '../../src/config/errors.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['20', 20_000],
    ['0', 0],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text, '--run-time')).toBe(ms));

  it('refuses negative and over-24-day durations (timers would overflow to 1 ms)', () => {
    expect(() => parseDuration('-3s', '--run-time')).toThrow(/^--run-time: must not be negative/);
    expect(() => parseDuration('25d', '--run-time')).toThrow(/^--run-time: must be at most 24d/);
    expect(() => parseDuration(99999999 * 3600, '--run-time')).toThrow(/at most 24d/);
    expect(parseDuration('24d', '--run-time')).toBe(24 * 86_400_000);
  });

  it.each(['', 'abc', '2 minutes', '5x', '1m-30s', '1h 30m'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--run-time')).toThrow(ConfigError);
    expect(() => parseDuration(text, '--run-time')).toThrow(/^--run-time: expected a duration/);
  });

  it('formats back', () => {
    expect(formatDuration(125_000)).toBe('2m5s');
    expect(formatDuration(3_600_000)).toBe('1h');
    expect(formatDuration(250)).toBe('250ms');
  });
});
