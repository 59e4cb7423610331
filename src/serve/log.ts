/**
 * Serve's log lines: timestamped, one per event, always through the redactor (the bearer token,
 * API keys and Basic passwords are registered with it at start-up and per run).
 */
import { redactor } from '../http/redact.js';

export type ServeLog = (line: string) => void;

export function createServeLog(write: (line: string) => void): ServeLog {
  return (line) => write(`${new Date().toISOString()} ${redactor.redact(line)}\n`);
}

export const silentLog: ServeLog = () => undefined;
