/**
 * Name of the failure row a failed workflow records (`recorder.failure`), next to the request
 * failures; it is no request, so it never counts in request totals or the error rate.
 */
export const WORKFLOW_FAILURE_NAME = 'batch workflow';

/** An error code short and plain enough to become part of a counter name (no ids, no free text). */
export const PLAIN_CODE = /^[\w.-]{1,64}$/;

/** Counters of the batch workflow, created at 0 before any load so thresholds can judge them. */
export const WORKFLOW_COUNTERS = ['workflows_completed', 'workflows_failed'] as const;


/** Stable request names for the batch workflow: `POST /v1/files [upload]`. */
export function batchRequestNames(apiPath: string) {
  return {
    upload: `POST ${apiPath}/files [upload]`,
    verifyMetadata: `GET ${apiPath}/files/{file_id} [verify metadata]`,
    verifyContent: `GET ${apiPath}/files/{file_id}/content [verify content]`,
    create: `POST ${apiPath}/batches [create]`,
    poll: `GET ${apiPath}/batches/{batch_id} [poll]`,
    cancel: `POST ${apiPath}/batches/{batch_id}/cancel [cancel]`,
    output: `GET ${apiPath}/files/{file_id}/content [output]`,
    errors: `GET ${apiPath}/files/{file_id}/content [errors]`,
  };
}
export type BatchRequestNames = ReturnType<typeof batchRequestNames>;
