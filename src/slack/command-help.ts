// The /veeam grammar as users see it: the help text and the one-line usage each error points to.

export const USAGE = {
  jobs: '`/veeam jobs [text]` — list every job (agent, VM backup, replication, backup copy, file share) with its last result, optionally only those whose name contains text; `/veeam jobs failed [text]` lists only jobs whose last run failed',
  job: '`/veeam job <name|id|uid>` — show one job of any kind: its last runs and the buttons EM allows',
  start: '`/veeam start <job>` — start a job now (a backup copy job is synced)',
  stop: '`/veeam stop <job>` — stop a running job',
  retry: '`/veeam retry <job>` — retry a failed job (where EM offers it)',
  enable: '`/veeam enable <job>` — enable the job schedule',
  disable: '`/veeam disable <job>` — disable the job schedule',
  toggle: "`/veeam toggle <job>` — flip the job schedule (EM's raw toggle)",
  sessionStop:
    '`/veeam session stop <session-id>` — stop a running backup or replication session (session GUID)',
  task: '`/veeam task <task-id>` — show an EM task (e.g. task-12), with Cancel while it runs',
  help: '`/veeam help` — this help',
} as const;

export const HELP_TEXT = [
  '*Veeam chat-ops* — what `/veeam` understands:',
  ...Object.values(USAGE).map((line) => `• ${line}`),
  'A job is named by its ID (GUID), UID (e.g. `urn:veeam:Job:<GUID>`), exact name or a unique start of its name; quote names with spaces if you like: `/veeam job "Server Backup"`.',
].join('\n');
