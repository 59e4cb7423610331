/** Stable request names for the batch workflow: `POST /v1/files [upload]`. */
export function batchRequestNames(apiPath: string) {
  return {
    upload: `POST ${apiPath}/files [upload]`,
    verifyMetadata: `GET ${apiPath}/files/{file_id} [verify metadata]`,
    verifyContent: `GET ${apiPath}/files/{file_id}/content [verify content]`,
    create: `POST ${apiPath}/batches [create]`,
    poll: `GET ${apiPath}/batches/{batch_id} [poll]`,
    output: `GET ${apiPath}/files/{file_id}/content [output]`,
    errors: `GET ${apiPath}/files/{file_id}/content [errors]`,
  };
}
export type BatchRequestNames = ReturnType<typeof batchRequestNames>;
