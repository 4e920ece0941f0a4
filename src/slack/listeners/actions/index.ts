// Button listeners, one per action_id; the IDs come from action-ids.ts so blocks and handlers cannot drift apart.

import type { App } from '@slack/bolt';
import { ACTION_IDS, PICK_JOB_ACTION } from '../../action-ids.js';
import type { SlackSurface } from '../../surface.js';
import { approvalButton } from './approval-buttons.js';
import { jobActionButton } from './job-action-button.js';
import { jobDetails } from './job-details.js';
import { sessionStopButton } from './session-stop-button.js';
import { taskCancelButton } from './task-cancel-button.js';

export function register(app: App, surface: SlackSurface): void {
  app.action(ACTION_IDS.jobDetails, jobDetails(surface, 'details'));
  app.action(PICK_JOB_ACTION, jobDetails(surface, 'pick job'));
  app.action(ACTION_IDS.jobStart, jobActionButton(surface, 'start'));
  app.action(ACTION_IDS.jobStop, jobActionButton(surface, 'stop'));
  app.action(ACTION_IDS.jobRetry, jobActionButton(surface, 'retry'));
  app.action(ACTION_IDS.jobEnable, jobActionButton(surface, 'enable'));
  app.action(ACTION_IDS.jobDisable, jobActionButton(surface, 'disable'));
  app.action(ACTION_IDS.sessionStop, sessionStopButton(surface));
  app.action(ACTION_IDS.taskCancel, taskCancelButton(surface));
  app.action(ACTION_IDS.approve, approvalButton(surface, 'approve'));
  app.action(ACTION_IDS.deny, approvalButton(surface, 'deny'));
}
