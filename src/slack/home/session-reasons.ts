// Why a Failed or Warning run failed, in one line, for the Home tab: EM's FailureMessage when it gave one, else the
// first failed or warning object's Reason from the run's task sessions (real EM leaves FailureMessage null,
// em-api.md fact 12). An ended session never changes, so each is read once and remembered.

import type { EmApi } from '../../em/api.js';
import type { JobSession } from '../../em/types.js';
import { firstLine } from '../messages/incident-reasons.js';

/** Sessions remembered; the oldest are dropped past this (a Home tab shows far fewer problem jobs). */
const REMEMBERED = 500;

export class SessionReasons {
  private readonly known = new Map<string, string>();

  constructor(private readonly em: EmApi) {}

  /** The reason in plain text (unescaped), or undefined when EM could not tell us now (asked again next time). */
  async of(session: JobSession): Promise<string | undefined> {
    const message = firstLine(session.failureMessage ?? '');
    if (message !== '') return message;
    const cached = this.known.get(session.id);
    if (cached !== undefined) return cached;
    let reason: string;
    try {
      const tasks = await this.em.listTaskSessions(session);
      const failed = tasks.filter((t) => t.result === 'Failed' || t.result === 'Warning');
      const first = failed.find((t) => t.reason) ?? failed[0];
      if (first === undefined) reason = 'EM gives no reason.';
      else {
        const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
        reason = `${first.objectName}: ${first.reason ? firstLine(first.reason) : 'EM gives no reason.'}${more}`;
      }
    } catch {
      return undefined;
    }
    this.known.set(session.id, reason);
    if (this.known.size > REMEMBERED) this.known.delete(this.known.keys().next().value as string);
    return reason;
  }
}
