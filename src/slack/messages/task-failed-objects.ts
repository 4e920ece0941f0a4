// Why a watched run failed, as the thread reply shows it (the lines themselves: failed-object-lines.ts), and what
// the watcher calls a session of each job kind.

import type { JobKind } from '../../em/types.js';
import type { FailedObjects, SessionSummary } from '../../watch/watch-report.js';
import { failedObjectLines } from './failed-object-lines.js';

/** One line per failed object (first five), then "…and N more"; '' when there is nothing to show. */
export function failedObjectsText(failed: FailedObjects | undefined): string {
  if (failed === undefined) return '';
  if ('unreadable' in failed) {
    return 'Which objects failed, and why, could not be read from EM (its task sessions did not answer).';
  }
  if (failed.total === 0) return 'EM names no failed object in this session.';
  // Only warnings are tagged: a reply about a failed run lists its failed objects.
  return failedObjectLines(failed.items, failed.total, (result) =>
    result === 'Warning' ? 'warning' : undefined,
  );
}

/** For the parent message: how many objects had trouble, pointing at the thread. */
export function failedObjectsGlance(failed: FailedObjects | undefined): string {
  if (failed === undefined || 'unreadable' in failed || failed.total === 0) return '';
  return ` ${failed.total} ${failed.total === 1 ? 'object' : 'objects'} with problems; see the thread.`;
}

/** "backup session", "replication session", "backup copy session": what a session of this kind is called. */
export function sessionNoun(s: Pick<SessionSummary, 'kind' | 'jobType'>): string {
  if (s.kind === 'replica' || s.jobType === 'Replica') return 'replication session';
  if (s.jobType === 'BackupCopy' || s.jobType === 'ImmediateBackupCopy') return 'backup copy session';
  return 'backup session';
}

/** The session a job of this kind runs, named before it is found. */
export function jobSessionNoun(kind: JobKind | undefined): string {
  if (kind === 'replica') return 'replication session';
  if (kind === 'backup-copy') return 'backup copy session';
  return 'backup session';
}
