// "Stop session" (e.g. on an incident post): stop a running backup session, subject to operator rights and approval.

import { requireGuid } from '../../../em/ids.js';
import { authorizeWrite } from '../../action-flow.js';
import { sessionTarget } from '../../job-target.js';
import { proposeWrite, type WriteDeps } from '../../preview-flow.js';
import { type Click, clickHandler } from './click-handler.js';

export function sessionStopButton(deps: WriteDeps) {
  return clickHandler(deps, 'session stop', async ({ value, origin }: Click) => {
    const sessionId = requireGuid(value, 'session ID');
    if (!(await authorizeWrite(deps, origin, { action: 'session-stop', target: sessionId }))) return;
    const target = await sessionTarget(deps, origin, sessionId);
    if (target) await proposeWrite(deps, origin, { action: 'session-stop', target });
  });
}
