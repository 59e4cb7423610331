/** Scenario registry: builds the weighted scenarios a run mixes. */
import type { RunConfig, ScenarioName } from '../config/types.js';
import { createBatchScenario } from './batch/workflow.js';
import { createChatScenario } from './online/chat.js';
import { createEmbeddingsScenario } from './online/embeddings.js';
import { createHealthScenario } from './online/health.js';
import { createResponsesScenario } from './online/responses.js';
import { createOnlineLinesScenario } from './batch/online-lines.js';
import type { Scenario, SharedRunState } from './types.js';

export interface WeightedScenario {
  scenario: Scenario;
  weight: number;
}

export function createScenario(name: ScenarioName, config: RunConfig, apiBase: string, shared?: SharedRunState): Scenario {
  switch (name) {
    case 'batch':
    case 'batch-cancel':
    case 'batch-expire':
      return createBatchScenario(config, apiBase, shared, name);
    case 'online-lines':
      return createOnlineLinesScenario(config, apiBase);
    case 'chat':
      return createChatScenario(config);
    case 'responses':
      return createResponsesScenario(config);
    case 'embeddings':
      return createEmbeddingsScenario(config);
    case 'health':
      return createHealthScenario(config);
  }
}

export function createScenarios(config: RunConfig, apiBase: string, shared?: SharedRunState): WeightedScenario[] {
  return config.scenarios.map((s) => ({ scenario: createScenario(s.name, config, apiBase, shared), weight: s.weight }));
}
