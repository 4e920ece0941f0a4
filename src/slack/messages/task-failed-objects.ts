// Why a watched run failed, as the thread reply shows it: each failed or warning object (VM, machine, share) and
// the Reason EM put on its task session (real EM leaves the session's FailureMessage null: em-api.md fact 12).

import type { JobKind } from '../../em/types.js';
import type { FailedObjects, SessionSummary } from '../../watch/watch-report.js';
import { truncate } from '../block-kit.js';
import { escapeMrkdwn } from '../mrkdwn.js';

/** Objects listed by name; the rest are counted ("and N more"). */
const SHOWN_OBJECTS = 5;
/**
 * Cut after escaping (so a cut never splits an escape). Five lines of at most 1 + 120 + 400 characters keep the
 * section far below Slack's 3,000 and the whole reply below chat.update's 4,000.
 */
const NAME_CHARS = 120;
const REASON_CHARS = 400;

/** One line per failed object (first five), then "and N more"; '' when there is nothing to show. */
export function failedObjectsText(failed: FailedObjects | undefined): string {
  if (failed === undefined) return '';
  if ('unreadable' in failed) {
    return 'Which objects failed, and why, could not be read from EM (its task sessions did not answer).';
  }
  if (failed.total === 0) return 'EM names no failed object in this session.';
  const lines = failed.items.slice(0, SHOWN_OBJECTS).map(objectLine);
  const more = failed.total - lines.length;
  if (more > 0) lines.push(`and ${more} more`);
  return lines.join('\n');
}

/** "• *fs01*: Error: …" (warnings say so). */
function objectLine(o: { objectName: string; result: string; reason?: string }): string {
  const name = truncate(escapeMrkdwn(o.objectName), NAME_CHARS);
  const reason = o.reason?.replace(/\s+/g, ' ').trim() ?? '';
  const why = reason === '' ? 'EM gives no reason.' : truncate(escapeMrkdwn(reason), REASON_CHARS);
  return `• *${name}*${o.result === 'Warning' ? ' (warning)' : ''}: ${why}`;
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
