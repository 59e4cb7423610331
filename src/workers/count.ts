/** `--workers N|auto|-1`: how many local worker processes (auto and -1: one per CPU core, as Locust's --processes -1). */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../config/errors.js';

export const MAX_LOCAL_WORKERS = 1024;

export function parseWorkerCount(value: string, label = '--workers'): number {
  const v = value.trim();
  if (v === 'auto' || v === '-1') return availableParallelism();
  if (!/^[1-9][0-9]*$/.test(v) || Number(v) > MAX_LOCAL_WORKERS) {
    throw new ConfigError(`${label}: '${value}' is not a number of workers (1..${MAX_LOCAL_WORKERS}, auto or -1 for one per CPU core)`);
  }
  return Number(v);
}

export function checkWorkerCount(value: string, label: string): void {
  parseWorkerCount(value, label);
}
