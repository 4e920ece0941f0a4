// A job reference typed by a user (ID, UID, exact name, unique name prefix) → one job, several, or none with hints.

import { guidFrom } from '../em/ids.js';
import type { Job } from '../em/types.js';

export type JobResolution =
  | { kind: 'found'; job: Job }
  | { kind: 'ambiguous'; jobs: Job[] }
  /** closest: the jobs whose names are nearest the text (a "did you mean"), nearest first. */
  | { kind: 'none'; closest: Job[] };

/** Pure: the job list and the text in, a decision out. Exact matches win over prefixes. */
export function resolveJob(jobs: readonly Job[], text: string): JobResolution {
  const wanted = text.trim();
  const guid = guidFrom(wanted);
  if (guid !== undefined) {
    const byId = jobs.filter((j) => j.id.toLowerCase() === guid || guidFrom(j.uid) === guid);
    return byId[0] ? { kind: 'found', job: byId[0] } : { kind: 'none', closest: [] };
  }
  const lower = wanted.toLowerCase();
  const exact = jobs.filter((j) => j.name.toLowerCase() === lower);
  if (exact.length === 1 && exact[0]) return { kind: 'found', job: exact[0] };
  if (exact.length > 1) return { kind: 'ambiguous', jobs: exact };
  const prefixed = jobs.filter((j) => j.name.toLowerCase().startsWith(lower));
  if (prefixed.length === 1 && prefixed[0]) return { kind: 'found', job: prefixed[0] };
  if (prefixed.length > 1) return { kind: 'ambiguous', jobs: prefixed };
  return { kind: 'none', closest: closestNames(jobs, lower) };
}

/** Up to `limit` jobs nearest to the text by edit distance, only those whose name is plausibly a typo of it. */
function closestNames(jobs: readonly Job[], lowerText: string, limit = 3): Job[] {
  return jobs
    .map((job) => ({ job, distance: editDistance(job.name.toLowerCase(), lowerText) }))
    .filter((c) => c.distance <= Math.max(3, Math.ceil(c.job.name.length / 2)))
    .sort((a, b) => a.distance - b.distance || a.job.name.localeCompare(b.job.name))
    .slice(0, limit)
    .map((c) => c.job);
}

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
