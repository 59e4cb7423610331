import { ConfigError } from './errors.js';
import { parseNumberText } from '../options/values.js';
import type { BatchScenarioName, DataScenarioName, ScenarioName, ScenarioWeight } from './types.js';

const MAX_WEIGHT = 1_000_000;

export const BATCH_SCENARIO_NAMES: BatchScenarioName[] = ['batch', 'batch-cancel', 'batch-expire'];
export const SCENARIO_NAMES: ScenarioName[] = [...BATCH_SCENARIO_NAMES, 'online-lines', 'chat', 'responses', 'embeddings', 'health'];

/** The batch workflow and its cancel/expire variants. */
export function isBatchScenario(name: string): name is BatchScenarioName {
  return (BATCH_SCENARIO_NAMES as readonly string[]).includes(name);
}

/** Scenarios that need the batch input file (--data). */
export function needsDataFile(name: string): name is DataScenarioName {
  return isBatchScenario(name) || name === 'online-lines';
}

/** `chat` or `chat:3,responses:1,batch:1` → weights (a bare name weighs 1). */
export function parseScenarioMix(input: string): ScenarioWeight[] {
  const out: ScenarioWeight[] = [];
  for (const part of input.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, weightText, extra] = part.split(':').map((s) => s.trim());
    if (extra !== undefined) throw new ConfigError(`--scenario: '${part}' should be NAME or NAME:WEIGHT`);
    if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
      throw new ConfigError(`--scenario: unknown scenario '${name}' (expected ${SCENARIO_NAMES.join(', ')})`);
    }
    const weight = weightText === undefined ? 1 : parseNumberText(weightText);
    // bounded so the weights' total stays exact (1e308 + 1e308 would overflow to Infinity)
    if (weight === undefined || weight <= 0 || weight > MAX_WEIGHT) {
      throw new ConfigError(`--scenario: weight of '${name}' must be a number above 0 and at most ${MAX_WEIGHT}, got '${weightText}'`);
    }
    if (out.some((s) => s.name === name)) throw new ConfigError(`--scenario: '${name}' is listed twice`);
    out.push({ name: name as ScenarioName, weight });
  }
  if (out.length === 0) throw new ConfigError(`--scenario: no scenario given`);
  return out;
}
