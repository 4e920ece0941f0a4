// IDs are checked here before they go into a URL: anything else is refused without a request (em-api.md fact 9).

import { EmError } from './errors.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UID = /^urn:veeam:[A-Za-z]+:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** EM's task IDs are short counters like "task-1" (em-api.md §3.2). */
const TASK_ID = /^task-\d{1,12}$/;

/** GUID or urn:veeam:<Type>:<GUID> → the lower-case GUID, or undefined. */
export function guidFrom(text: string): string | undefined {
  const trimmed = text.trim();
  if (GUID.test(trimmed)) return trimmed.toLowerCase();
  return UID.exec(trimmed)?.[1]?.toLowerCase();
}

/** Like guidFrom, but throws EmError('invalid-id'); `what` names the thing in the message ("job ID"). */
export function requireGuid(text: string, what: string): string {
  const guid = guidFrom(text);
  if (guid === undefined) {
    throw new EmError(
      'invalid-id',
      `"${truncate(text)}" is not a valid ${what}: expected a GUID like a6deb158-b26c-4140-8b26-5a3cc344e8ec or a UID like urn:veeam:AgentBackupJob:<GUID>.`,
    );
  }
  return guid;
}

export function isTaskId(text: string): boolean {
  return TASK_ID.test(text.trim());
}

export function requireTaskId(text: string): string {
  const trimmed = text.trim();
  if (!TASK_ID.test(trimmed)) {
    throw new EmError(
      'invalid-id',
      `"${truncate(text)}" is not a valid task ID: expected something like task-12.`,
    );
  }
  return trimmed;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
