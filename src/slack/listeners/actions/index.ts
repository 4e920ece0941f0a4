// Button listeners, one per action_id; the IDs come from action-ids.ts so blocks and handlers cannot drift apart.

import type { App } from '@slack/bolt';
import { ACTION_IDS, PICK_JOB_ACTION, PREVIEW_IDS } from '../../action-ids.js';
import type { WriteDeps } from '../../preview-flow.js';
import { approvalButton } from './approval-buttons.js';
import { jobActionButton } from './job-action-button.js';
import { jobDetails } from './job-details.js';
import { jobsPageButton } from './jobs-page-button.js';
import { previewButton } from './preview-buttons.js';
import { sessionStopButton } from './session-stop-button.js';
import { taskCancelButton } from './task-cancel-button.js';

export function register(app: App, deps: WriteDeps): void {
  app.action(ACTION_IDS.jobDetails, jobDetails(deps, 'details'));
  app.action(PICK_JOB_ACTION, jobDetails(deps, 'pick job'));
  app.action(ACTION_IDS.jobsPrevPage, jobsPageButton(deps, 'jobs previous page'));
  app.action(ACTION_IDS.jobsNextPage, jobsPageButton(deps, 'jobs next page'));
  app.action(ACTION_IDS.jobStart, jobActionButton(deps, 'start'));
  app.action(ACTION_IDS.jobStop, jobActionButton(deps, 'stop'));
  app.action(ACTION_IDS.jobRetry, jobActionButton(deps, 'retry'));
  app.action(ACTION_IDS.jobEnable, jobActionButton(deps, 'enable'));
  app.action(ACTION_IDS.jobDisable, jobActionButton(deps, 'disable'));
  app.action(ACTION_IDS.sessionStop, sessionStopButton(deps));
  app.action(ACTION_IDS.taskCancel, taskCancelButton(deps));
  app.action(ACTION_IDS.approve, approvalButton(deps, 'approve'));
  app.action(ACTION_IDS.deny, approvalButton(deps, 'deny'));
  app.action(PREVIEW_IDS.confirm, previewButton(deps, 'confirm'));
  app.action(PREVIEW_IDS.cancel, previewButton(deps, 'cancel'));
}
