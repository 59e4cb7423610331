import { json, type Reply } from '../http/reply.js';

/** GET {base}/models: the configured model ids (any model is accepted by the inference routes). */
export function modelsReply(models: readonly string[]): Reply {
  const created = 1_700_000_000;
  const body = JSON.stringify({
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created, owned_by: 'batch-load-mock' })),
  });
  return json(200, body);
}
