import { ConfigError } from './errors.js';
import type { ScenarioName, ScenarioWeight } from './types.js';

export const SCENARIO_NAMES: ScenarioName[] = ['batch', 'chat', 'responses', 'embeddings', 'health'];

/** `chat` or `chat:3,responses:1,batch:1` → weights (a bare name weighs 1). */
export function parseScenarioMix(input: string): ScenarioWeight[] {
  const out: ScenarioWeight[] = [];
  for (const part of input.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, weightText, extra] = part.split(':').map((s) => s.trim());
    if (extra !== undefined) throw new ConfigError(`--scenario: '${part}' should be NAME or NAME:WEIGHT`);
    if (!SCENARIO_NAMES.includes(name as ScenarioName)) {
      throw new ConfigError(`--scenario: unknown scenario '${name}' (expected ${SCENARIO_NAMES.join(', ')})`);
    }
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (!Number.isFinite(weight) || weight <= 0) throw new ConfigError(`--scenario: weight of '${name}' must be a positive number, got '${weightText}'`);
    if (out.some((s) => s.name === name)) throw new ConfigError(`--scenario: '${name}' is listed twice`);
    out.push({ name: name as ScenarioName, weight });
  }
  if (out.length === 0) throw new ConfigError(`--scenario: no scenario given`);
  return out;
}
