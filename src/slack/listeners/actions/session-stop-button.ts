// "Stop session" (e.g. on an incident post): stop a running backup session, subject to operator rights and approval.

import { requireGuid } from '../../../em/ids.js';
import { authorizeWrite, requestAction } from '../../action-flow.js';
import { sessionTarget } from '../../job-target.js';
import type { SlackSurface } from '../../surface.js';
import { type Click, clickHandler } from './click-handler.js';

export function sessionStopButton(surface: SlackSurface) {
  return clickHandler(surface, 'session stop', async ({ value, origin, client }: Click) => {
    const sessionId = requireGuid(value, 'session ID');
    if (!(await authorizeWrite(surface, origin, { action: 'session-stop', target: sessionId }))) return;
    const target = await sessionTarget(surface, origin, sessionId);
    if (target) await requestAction(surface, client, origin, { action: 'session-stop', target });
  });
}
