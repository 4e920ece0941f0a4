// "Cancel task" on a running parent or a task card: operator rights, then the watcher cancels and tells the thread.

import { requireTaskId } from '../../../em/ids.js';
import { authorizeWrite, requestAction } from '../../action-flow.js';
import type { SlackSurface } from '../../surface.js';
import { type Click, clickHandler } from './click-handler.js';

export function taskCancelButton(surface: SlackSurface) {
  return clickHandler(surface, 'task cancel', async ({ value, origin, client }: Click) => {
    const taskId = requireTaskId(value);
    const request = { action: 'task-cancel' as const, target: { kind: 'task' as const, taskId } };
    if (!(await authorizeWrite(surface, origin, { action: 'task-cancel', target: taskId }))) return;
    await requestAction(surface, client, origin, request);
  });
}
