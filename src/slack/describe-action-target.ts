// The mrkdwn that names what an action works on; ops/ hands over plain targets and only slack/ escapes them.

import type { ActionTarget } from '../ops/intent.js';
import { escapeMrkdwn } from './mrkdwn.js';

/** Names come from EM and are escaped, so a job called "<!channel>" pings nobody. */
export function describeActionTarget(target: ActionTarget): string {
  switch (target.kind) {
    case 'job':
      return `*${escapeMrkdwn(target.jobName)}*`;
    case 'session':
      return `session *${escapeMrkdwn(target.sessionName ?? target.sessionId)}*`;
    case 'task':
      return `EM task ${target.taskId}`;
  }
}
