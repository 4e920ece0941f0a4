// The actions a Slack user can ask for; their names are the ones VEEAM_APPROVAL_ACTIONS takes.

export const ACTION_NAMES = [
  'start',
  'stop',
  'retry',
  'enable',
  'disable',
  'toggle',
  'session-stop',
  'task-cancel',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];
