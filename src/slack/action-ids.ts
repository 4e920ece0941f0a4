// Block Kit action_ids, in one module so blocks and handlers cannot drift apart.

export const ACTION_IDS = {
  jobDetails: 'job_details',
  jobStart: 'job_start',
  jobStop: 'job_stop',
  jobRetry: 'job_retry',
  jobEnable: 'job_enable',
  jobDisable: 'job_disable',
  pickJob: 'pick_job',
  jobsPrevPage: 'jobs_page_prev',
  jobsNextPage: 'jobs_page_next',
  approve: 'approval_approve',
  deny: 'approval_deny',
  taskCancel: 'task_cancel',
  sessionStop: 'session_stop',
} as const;

/**
 * Slack refuses a message whose actions block repeats an action_id ("action_id already exists"), so the pick list
 * numbers its buttons `pick_job:<n>` and one listener takes them all.
 */
export function pickJobActionId(index: number): string {
  return `${ACTION_IDS.pickJob}:${index}`;
}
export const PICK_JOB_ACTION = new RegExp(`^${ACTION_IDS.pickJob}:\\d+$`);

/** The block_id of an approval request's Approve/Deny block: a click is checked against it before any decision. */
export function approvalBlockId(approvalId: string): string {
  return `approval:${approvalId}`;
}

/** Confirm / Cancel on a write's preview; their value is the preview ID, their block `preview:<id>`. */
export const PREVIEW_IDS = { confirm: 'preview_confirm', cancel: 'preview_cancel' } as const;
