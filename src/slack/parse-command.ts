// /veeam text → an Intent, or a message saying what was wrong and the right form. Pure; nothing here talks to EM.

import { guidFrom, isTaskId } from '../em/ids.js';
import { type Intent, JOB_ACTIONS, type JobActionName } from '../ops/intent.js';
import { HELP_TEXT, USAGE } from './command-help.js';
import { decodeSlackEntities, escapeMrkdwn } from './mrkdwn.js';

type ParseResult = { ok: true; intent: Intent } | { ok: false; error: string };

/** Longer than any job name, ID or filter anyone types; longer text is refused before it is looked at. */
const MAX_COMMAND_LENGTH = 300;
const MAX_JOB_REF_LENGTH = 128;

/** What the user typed, echoed in a private answer: escaped (no mention or link renders) and short. */
const MAX_ECHO_CHARS = 40;

/** `slackText` is the command text as Slack sends it: `&`, `<` and `>` typed by the user arrive as entities. */
export function parseCommand(slackText: string): ParseResult {
  // Slack escapes what the user typed; decoded, `R&D Backup` matches the job EM calls by that name.
  const raw = decodeSlackEntities(slackText);
  if (raw.length > MAX_COMMAND_LENGTH) {
    return fail(
      `That command is ${raw.length} characters long; the longest accepted is ${MAX_COMMAND_LENGTH}.`,
      HELP_TEXT,
    );
  }
  const text = normaliseQuotes(raw).trim();
  if (text === '') return { ok: true, intent: { kind: 'help' } };
  const match = /^(\S+)\s*(.*)$/s.exec(text);
  const verb = (match?.[1] ?? '').toLowerCase();
  const rest = match?.[2] ?? '';

  switch (verb) {
    case 'help':
      return { ok: true, intent: { kind: 'help' } };
    case 'jobs': {
      // "failed" first lists only jobs whose last run failed; quote it to look for a job named "failed".
      const failedOnly = /^failed(\s|$)/i.test(rest.trim());
      const filter = unquote(failedOnly ? rest.trim().slice('failed'.length) : rest);
      if (filter === undefined) return fail('The filter has an unmatched quote.', USAGE.jobs);
      const bad = checkJobFilter(filter);
      if (bad) return fail(`The filter ${bad}.`, USAGE.jobs);
      return { ok: true, intent: { kind: 'jobs', filter, failedOnly } };
    }
    case 'job':
      return jobRef(rest, USAGE.job, (ref) => ({ kind: 'job', ref }));
    case 'session':
      return sessionStop(rest);
    case 'task': {
      const arg = unquote(rest);
      if (!arg) return fail('Which task? Give the EM task ID.', USAGE.task);
      if (!isTaskId(arg)) return fail(`"${echo(arg)}" is not an EM task ID (like task-12).`, USAGE.task);
      return { ok: true, intent: { kind: 'task', taskId: arg.trim() } };
    }
    default: {
      const action = JOB_ACTIONS.find((a) => a === verb);
      if (action)
        return jobRef(rest, USAGE[action], (ref) => ({
          kind: 'job-action',
          action: action as JobActionName,
          ref,
        }));
      return fail(`I don't know \`${echo(verb)}\`.`, HELP_TEXT);
    }
  }
}

/** `session stop <GUID>`, the only session command. */
function sessionStop(rest: string): ParseResult {
  const parts = /^(\S+)\s*(.*)$/s.exec(rest);
  if (parts?.[1]?.toLowerCase() !== 'stop') return fail('Unknown session command.', USAGE.sessionStop);
  const arg = unquote(parts[2] ?? '');
  if (!arg) return fail('Which session? Give the session ID.', USAGE.sessionStop);
  const sessionId = guidFrom(arg);
  if (sessionId === undefined) {
    return fail(
      `"${echo(arg)}" is not a session ID (a GUID like a6deb158-b26c-4140-8b26-5a3cc344e8ec).`,
      USAGE.sessionStop,
    );
  }
  return { ok: true, intent: { kind: 'session-stop', sessionId } };
}

function jobRef(rest: string, usage: string, make: (ref: string) => Intent): ParseResult {
  const ref = unquote(rest);
  if (ref === undefined) return fail('The job name has an unmatched quote.', usage);
  if (ref === '') return fail('Which job? Give its name or ID.', usage);
  const bad = badTextReason(ref);
  if (bad) return fail(`The job name ${bad}.`, usage);
  return { ok: true, intent: make(ref) };
}

/** Why a job list filter is refused (undefined: fine); also checks the filter a page button carries back. */
export function checkJobFilter(filter: string): string | undefined {
  return badTextReason(filter);
}

/** Why a name or filter is refused: path-like or URL-encoded text never becomes part of an EM URL (em-api.md fact 9). */
function badTextReason(text: string): string | undefined {
  if (text.length > MAX_JOB_REF_LENGTH) return `is longer than ${MAX_JOB_REF_LENGTH} characters`;
  if (/[/\\?#%]/.test(text)) return 'may not contain /, \\, ?, # or %';
  if (text.includes('..')) return 'may not contain ".."';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'may not contain control characters';
  return undefined;
}

/** Slack clients often turn "…" into curly quotes. */
function normaliseQuotes(text: string): string {
  return text.replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"');
}

/** Strips one pair of surrounding double quotes; undefined when quotes do not pair up. */
function unquote(text: string): string | undefined {
  const trimmed = text.trim();
  const quotes = (trimmed.match(/"/g) ?? []).length;
  if (quotes === 0) return trimmed.replace(/\s+/g, ' ');
  if (quotes === 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1).trim();
  return undefined;
}

function echo(text: string): string {
  return escapeMrkdwn(text, MAX_ECHO_CHARS);
}

function fail(problem: string, usage: string): ParseResult {
  return { ok: false, error: usage === HELP_TEXT ? `${problem}\n${usage}` : `${problem}\nUsage: ${usage}` };
}
