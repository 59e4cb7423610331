import type { PresetName } from './types.js';

export interface Preset {
  users: number;
  spawnRate: number;
  runTime: string;
  data: 'small' | 'medium' | 'large';
}

/** The load profiles users know from the Locust suite's chart (the Locust batch suite's chart). */
export const PRESETS: Record<PresetName, Preset> = {
  smoke: { users: 10, spawnRate: 5, runTime: '2m', data: 'small' },
  medium: { users: 100, spawnRate: 10, runTime: '5m', data: 'medium' },
  stress: { users: 500, spawnRate: 50, runTime: '10m', data: 'large' },
  soak: { users: 100, spawnRate: 10, runTime: '30m', data: 'medium' },
};

export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];
