// "Cancel task" on a running parent or a task card: operator rights, then the watcher cancels and tells the thread.

import { requireTaskId } from '../../../em/ids.js';
import { audit } from '../../../ops/audit.js';
import { authorizeWrite, requestAction } from '../../action-flow.js';
import type { SlackDeps } from '../../deps.js';
import { type Click, clickHandler } from './click-handler.js';

/** A running parent's actions block is `task:<taskId>@<requestedAt>` (the watch key); a task card's is `task:<taskId>`. */
const WATCH_BLOCK = /^task:(task-\d+@\d+)$/;

export function taskCancelButton(deps: SlackDeps) {
  return clickHandler(deps, 'task cancel', async ({ value, origin, body }: Click) => {
    const taskId = requireTaskId(value);
    const request = { action: 'task-cancel' as const, target: { kind: 'task' as const, taskId } };
    if (!(await authorizeWrite(deps, origin, { action: 'task-cancel', target: taskId }))) return;
    // Before any approval or DELETE: task IDs are reused after a re-logon and a Finished Task must not be
    // deleted, so only a Task the watcher is following and EM shows unfinished is worth asking about.
    const watchKey = WATCH_BLOCK.exec(body.actions[0]?.block_id ?? '')?.[1];
    const refusal = await deps.watcher.checkCancel?.(taskId, { watchKey });
    if (refusal !== undefined) {
      audit(deps.logger, {
        user: origin.user,
        channel: origin.channel,
        action: 'task-cancel',
        target: taskId,
        taskId,
        outcome: 'refused',
        detail: refusal.reason,
      });
      await origin.tellUser(`:information_source: ${refusal.message}`);
      return;
    }
    await requestAction(deps, origin, request);
  });
}
