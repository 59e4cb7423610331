/** The parts of the Files and Batches wire objects the workflow reads (openai-wire.md). */
export interface FileObject {
  id: string;
  object?: string;
  bytes: number;
  filename: string;
  purpose: string;
}

export interface BatchRequestCounts {
  total: number;
  completed: number;
  failed: number;
}

export interface BatchObject {
  id: string;
  status: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
  request_counts?: BatchRequestCounts | null;
  errors?: { data?: Array<{ code?: string; message?: string; line?: number | null }> } | null;
  /** Unix seconds (whole, or with milliseconds); null until the batch reaches that status */
  created_at?: number | null;
  in_progress_at?: number | null;
  finalizing_at?: number | null;
  completed_at?: number | null;
  failed_at?: number | null;
  expired_at?: number | null;
  cancelling_at?: number | null;
  cancelled_at?: number | null;
  expires_at?: number | null;
}

export const TERMINAL_STATUSES = ['completed', 'failed', 'expired', 'cancelled'] as const;
/** Known non-terminal statuses: keep polling. Anything else is a failure. */
export const ACTIVE_STATUSES = ['validating', 'in_progress', 'finalizing', 'cancelling'] as const;

export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: string): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** A string field of a parsed JSON object, or undefined. */
export function str(obj: unknown, key: string): string | undefined {
  const v = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}
