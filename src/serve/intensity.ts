/**
 * Intensity levels of `POST /run-load-tests/{test}/{intensity}`. Durations and the `intense`
 * level are the FastAPI orchestrator's; the other user counts are ours, chosen so each level is a clear step
 * up and every ramp-up finishes within the first few seconds (users / spawn rate ≤ 5 s):
 *
 * | level   | duration | users | spawn/s | ramp |
 * |---------|----------|-------|---------|------|
 * | light   | 300 s    | 10    | 5       | 2 s  |
 * | normal  | 600 s    | 50    | 10      | 5 s  |
 * | medium  | 1200 s   | 200   | 50      | 4 s  |
 * | intense | 1800 s   | 1000  | 500     | 2 s  |
 */
export interface IntensityLevel {
  duration_seconds: number;
  user_count: number;
  spawn_rate: number;
}

export const INTENSITY_LEVELS = {
  light: { duration_seconds: 300, user_count: 10, spawn_rate: 5 },
  normal: { duration_seconds: 600, user_count: 50, spawn_rate: 10 },
  medium: { duration_seconds: 1200, user_count: 200, spawn_rate: 50 },
  intense: { duration_seconds: 1800, user_count: 1000, spawn_rate: 500 },
} as const satisfies Record<string, IntensityLevel>;

export type IntensityName = keyof typeof INTENSITY_LEVELS;
export const INTENSITY_NAMES = Object.keys(INTENSITY_LEVELS) as IntensityName[];

export function isIntensityName(name: string): name is IntensityName {
  return Object.hasOwn(INTENSITY_LEVELS, name);
}
