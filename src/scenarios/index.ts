/** Scenario registry: builds the weighted scenarios a run mixes. */
import type { RunConfig, ScenarioName } from '../config/types.js';
import { createBatchScenario } from './batch/workflow.js';
import type { Scenario } from './types.js';

export interface WeightedScenario {
  scenario: Scenario;
  weight: number;
}

export function createScenario(name: ScenarioName, config: RunConfig, apiBase: string): Scenario {
  switch (name) {
    case 'batch':
      return createBatchScenario(config, apiBase);
    default:
      throw new Error(`scenario '${name}' is not available yet`);
  }
}

export function createScenarios(config: RunConfig, apiBase: string): WeightedScenario[] {
  return config.scenarios.map((s) => ({ scenario: createScenario(s.name, config, apiBase), weight: s.weight }));
}
