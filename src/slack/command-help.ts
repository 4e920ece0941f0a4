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

/** What the help needs to know about the asker, here: decided by the policy, rendered below. */
export interface HelpAsker {
  /** undefined: may operate; otherwise why not (not listed, or a group Slack could not confirm). */
  operatorRefusal?: string;
  approver: boolean;
  /** undefined: commands are taken in this channel; otherwise the channels that take them. */
  onlyIn?: readonly string[];
  needsApproval: (action: WriteName) => boolean;
  needsPreview: (action: WriteName) => boolean;
  approvalTtlMinutes: number;
}

type WriteName = 'start' | 'stop' | 'retry' | 'enable' | 'disable' | 'toggle' | 'session-stop';

const READS = [USAGE.jobs, USAGE.job, USAGE.task, USAGE.help];
const WRITES: [WriteName, string][] = [
  ['start', USAGE.start],
  ['stop', USAGE.stop],
  ['retry', USAGE.retry],
  ['enable', USAGE.enable],
  ['disable', USAGE.disable],
  ['toggle', USAGE.toggle],
  ['session-stop', USAGE.sessionStop],
];

const NAMING =
  'A job is named by its ID (GUID), UID, exact name or a unique start of its name; quote names with spaces if you like: `/veeam job "Server Backup"`. A name that matches several jobs gives a pick list that goes on with what you asked.';

/** `/veeam help` for this person in this channel: only what they may run here, and how rights are granted. */
export function helpFor(asker: HelpAsker): string {
  if (asker.onlyIn !== undefined) {
    return `*Veeam chat-ops* takes commands only in ${asker.onlyIn.map((c) => `<#${c}>`).join(', ')}; type \`/veeam help\` there to see what you may do.`;
  }
  const lines = ['*Veeam chat-ops* — what you can do here:', ...READS.map((line) => `• ${line}`)];
  if (asker.operatorRefusal === undefined) lines.push(...writeLines(asker));
  else
    lines.push(
      `You can look but not change anything: ${asker.operatorRefusal.replace(/^Only .*$/, 'starting, stopping or changing jobs is for operators.')} To be allowed, ask a Slack admin of this bot to add you to \`VEEAM_OPERATORS\` or to one of the user groups listed there.`,
    );
  if (asker.approver) lines.push(approverLines(asker));
  lines.push(NAMING);
  return lines.join('\n');
}

function writeLines(asker: HelpAsker): string[] {
  const out = ['*Changes* (you are an operator):'];
  for (const [action, usage] of WRITES) {
    const notes = [
      ...(asker.needsPreview(action) ? ['preview first'] : []),
      ...(asker.needsApproval(action) ? ['needs an approver'] : []),
    ];
    out.push(`• ${usage}${notes.length > 0 ? ` _(${notes.join(', ')})_` : ''}`);
  }
  out.push(
    '_Preview first_: I show you privately what will be done and the job’s state now, with Confirm / Cancel; nothing is sent before Confirm, and a preview lasts 2 minutes. _Needs an approver_: on Confirm I post a request in the channel, and another person who is an approver must approve it.',
  );
  return out;
}

function approverLines(asker: HelpAsker): string {
  const listed = WRITES.map(([action]) => action).filter((action) => asker.needsApproval(action));
  const which =
    listed.length > 0
      ? `Requests to ${listed.map((a) => `\`${a}\``).join(', ')} appear in the channel with Approve / Deny`
      : 'No action needs an approval at present (`VEEAM_APPROVAL_ACTIONS=none`)';
  return `*Approvals* (you are an approver): ${which}. Anyone listed in \`VEEAM_APPROVERS\` except the requester may decide, once; a request expires after ${asker.approvalTtlMinutes} minutes. Approved, it runs at once and its result is threaded under the request.`;
}
