// The /veeam grammar as users see it: the help text and the one-line usage each error points to.

export const USAGE = {
  jobs: '`/veeam jobs [text]` — list agent backup jobs, optionally only those whose name contains text',
  job: '`/veeam job <name|id>` — show one job with its buttons',
  start: '`/veeam start <job>` — start a job now',
  stop: '`/veeam stop <job>` — stop a running job',
  retry: '`/veeam retry <job>` — retry a failed job',
  enable: '`/veeam enable <job>` — enable the job schedule',
  disable: '`/veeam disable <job>` — disable the job schedule',
  toggle: "`/veeam toggle <job>` — flip the job schedule (EM's raw toggle)",
  sessionStop: '`/veeam session stop <session-id>` — stop a running backup session (session GUID)',
  task: '`/veeam task <task-id>` — show an EM task (e.g. task-12), with Cancel while it runs',
  help: '`/veeam help` — this help',
} as const;

export const HELP_TEXT = [
  '*Veeam chat-ops* — what `/veeam` understands:',
  ...Object.values(USAGE).map((line) => `• ${line}`),
  'A job is named by its ID (GUID), UID, exact name or a unique start of its name; quote names with spaces if you like: `/veeam job "Server Backup"`.',
].join('\n');
