// Builds EM query-service URLs (/query?type=…&filter=…): quoting, grouping and percent-encoding (em-api.md §5, fact 9).

import type { SessionQuery } from './types.js';

/** `"value"` with inner quotes doubled, as EM's filter grammar wants for any value that may hold spaces. */
export function quoteFilterValue(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

// Enumerated values (Failed, Working, AgentBackup) need no quotes; anything else is quoted to be safe.
function filterValue(value: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(value) ? value : quoteFilterValue(value);
}

/** `Field==a` for one value, `(Field==a,Field==b)` for several (OR binds inside the group). */
function anyOf(field: string, values: readonly string[]): string | undefined {
  const unique = [...new Set(values)];
  if (unique.length === 0) return undefined;
  const terms = unique.map((value) => `${field}==${filterValue(value)}`);
  return terms.length === 1 ? terms[0] : `(${terms.join(',')})`;
}

/** The filter expression for a session query; undefined when the query has no condition. */
export function sessionFilter(query: SessionQuery): string | undefined {
  const terms: string[] = [];
  if (query.createdSince) terms.push(`CreationTime>=${quoteFilterValue(query.createdSince.toISOString())}`);
  if (query.endedSince) terms.push(`EndTime>=${quoteFilterValue(query.endedSince.toISOString())}`);
  for (const [field, values] of [
    ['Result', query.results],
    ['State', query.states],
    ['JobType', query.jobTypes],
  ] as const) {
    const term = values ? anyOf(field, values) : undefined;
    if (term) terms.push(term);
  }
  return terms.length > 0 ? terms.join(';') : undefined;
}

/** Path and query (relative to the API base) for a query-service request. */
function queryPath(
  type: string,
  options: { filter?: string; sortAsc?: string; sortDesc?: string } = {},
): string {
  let path = `/query?type=${encodeURIComponent(type)}&format=Entities`;
  if (options.filter !== undefined) path += `&filter=${encodeURIComponent(options.filter)}`;
  if (options.sortAsc !== undefined) path += `&sortAsc=${encodeURIComponent(options.sortAsc)}`;
  if (options.sortDesc !== undefined) path += `&sortDesc=${encodeURIComponent(options.sortDesc)}`;
  return path;
}

/** Oldest first: sessions EM adds while we page land on the last page instead of shifting the ones we read. */
export function sessionQueryPath(
  query: SessionQuery,
  type: 'BackupJobSession' | 'ReplicaJobSession' = 'BackupJobSession',
): string {
  return queryPath(type, { filter: sessionFilter(query), sortAsc: 'CreationTime' });
}

/** Jobs of one query type, by UID so pages do not overlap; `name` narrows to an exact name. */
export function jobQueryPath(type: 'Job' | 'AgentBackupJob' | 'NasJob', name?: string): string {
  return queryPath(type, {
    filter: name === undefined ? undefined : `Name==${quoteFilterValue(name)}`,
    sortAsc: 'UID',
  });
}

/** A replica job's sessions: there is no /jobs/{id}/replicaSessions, so the query service it is (em-api.md fact 15). */
export function replicaSessionsOfJobPath(jobUid: string): string {
  return queryPath('ReplicaJobSession', {
    filter: `JobUid==${quoteFilterValue(jobUid)}`,
    sortAsc: 'CreationTime',
  });
}
