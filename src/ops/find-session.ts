// A job session by ID, of either kind: EM keeps backup sessions and replication sessions in separate collections.

import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import type { JobSession, SessionKind } from '../em/types.js';

/**
 * `kind` known: that collection. Unknown (a bare GUID from a button or a command): /backupSessions, then on 404
 * /replicaSessions (EmClient.getSession without a kind reads /backupSessions only).
 */
export async function findSession(em: EmApi, sessionId: string, kind?: SessionKind): Promise<JobSession> {
  if (kind !== undefined) return em.getSession(sessionId, kind);
  try {
    return await em.getSession(sessionId, 'backup');
  } catch (err) {
    if (!(isEmError(err) && err.status === 404)) throw err;
    return em.getSession(sessionId, 'replica');
  }
}
