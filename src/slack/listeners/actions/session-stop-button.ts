// "Stop session" (e.g. on an incident post): stop a running backup session, subject to operator rights and approval.

import { requireGuid } from '../../../em/ids.js';
import { authorizeWrite, requestAction } from '../../action-flow.js';
import type { SlackDeps } from '../../deps.js';
import { sessionTarget } from '../../job-target.js';
import { type Click, clickHandler } from './click-handler.js';

export function sessionStopButton(deps: SlackDeps) {
  return clickHandler(deps, 'session stop', async ({ value, origin }: Click) => {
    const sessionId = requireGuid(value, 'session ID');
    if (!(await authorizeWrite(deps, origin, { action: 'session-stop', target: sessionId }))) return;
    const target = await sessionTarget(deps, origin, sessionId);
    if (target) await requestAction(deps, origin, { action: 'session-stop', target });
  });
}
