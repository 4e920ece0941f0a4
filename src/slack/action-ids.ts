// Block Kit action_ids, in one module so blocks and handlers cannot drift apart.

export const ACTION_IDS = {
  jobDetails: 'job_details',
  jobStart: 'job_start',
  jobStop: 'job_stop',
  jobRetry: 'job_retry',
  jobEnable: 'job_enable',
  jobDisable: 'job_disable',
  pickJob: 'pick_job',
  approve: 'approval_approve',
  deny: 'approval_deny',
  taskCancel: 'task_cancel',
  sessionStop: 'session_stop',
} as const;
