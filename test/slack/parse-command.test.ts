import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/slack/parse-command.js';

const GUID = 'a6deb158-b26c-4140-8b26-5a3cc344e8ec';

function intentOf(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result.intent;
}

function errorOf(text: string): string {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected an error for ${JSON.stringify(text)}`);
  return result.error;
}

describe('parseCommand', () => {
  it('treats empty text and help as help', () => {
    expect(intentOf('')).toEqual({ kind: 'help' });
    expect(intentOf('   ')).toEqual({ kind: 'help' });
    expect(intentOf('HELP')).toEqual({ kind: 'help' });
  });

  it('reads jobs with and without a filter', () => {
    expect(intentOf('jobs')).toEqual({ kind: 'jobs', filter: '', failedOnly: false });
    expect(intentOf('jobs  linux ')).toEqual({ kind: 'jobs', filter: 'linux', failedOnly: false });
  });

  it('reads "jobs failed" as failed jobs only, optionally filtered; a quoted "failed" is a name filter', () => {
    expect(intentOf('jobs failed')).toEqual({ kind: 'jobs', filter: '', failedOnly: true });
    expect(intentOf('jobs FAILED sql')).toEqual({ kind: 'jobs', filter: 'sql', failedOnly: true });
    expect(intentOf('jobs "failed"')).toEqual({ kind: 'jobs', filter: 'failed', failedOnly: false });
    expect(intentOf('jobs failedover')).toEqual({ kind: 'jobs', filter: 'failedover', failedOnly: false });
  });

  it('reads a job name with spaces, quoted or not, and curly quotes', () => {
    expect(intentOf('job Server Backup')).toEqual({ kind: 'job', ref: 'Server Backup' });
    expect(intentOf('job "Server Backup"')).toEqual({ kind: 'job', ref: 'Server Backup' });
    expect(intentOf('job \u201cServer Backup\u201d')).toEqual({ kind: 'job', ref: 'Server Backup' });
    expect(intentOf(`job ${GUID}`)).toEqual({ kind: 'job', ref: GUID });
  });

  it('reads every job action', () => {
    for (const action of ['start', 'stop', 'retry', 'enable', 'disable', 'toggle'] as const) {
      expect(intentOf(`${action} "Linux Web Servers"`)).toEqual({
        kind: 'job-action',
        action,
        ref: 'Linux Web Servers',
      });
    }
    expect(intentOf('Start server')).toEqual({ kind: 'job-action', action: 'start', ref: 'server' });
  });

  it('reads session stop with a GUID or UID and task with a task ID', () => {
    expect(intentOf(`session stop ${GUID.toUpperCase()}`)).toEqual({ kind: 'session-stop', sessionId: GUID });
    expect(intentOf(`session stop urn:veeam:BackupJobSession:${GUID}`)).toEqual({
      kind: 'session-stop',
      sessionId: GUID,
    });
    expect(intentOf('task task-12')).toEqual({ kind: 'task', taskId: 'task-12' });
  });

  it('explains unknown verbs with the whole grammar', () => {
    const error = errorOf('frobnicate everything');
    expect(error).toContain('`frobnicate`');
    expect(error).toContain('/veeam session stop');
  });

  it('asks for the missing argument and shows the right form', () => {
    expect(errorOf('job')).toMatch(/Which job\?[\s\S]*Usage: `\/veeam job <name\|id\|uid>`/);
    expect(errorOf('start   ')).toContain('Usage: `/veeam start <job>`');
    expect(errorOf('session stop')).toContain('/veeam session stop <session-id>');
    expect(errorOf('session start x')).toContain('/veeam session stop <session-id>');
    expect(errorOf('task')).toContain('/veeam task <task-id>');
  });

  it('refuses path-like, encoded and malformed IDs', () => {
    expect(errorOf('job ../../logonSessions')).toContain('may not contain');
    expect(errorOf('start jobs/1')).toContain('may not contain');
    expect(errorOf('job a?action=stop')).toContain('may not contain');
    expect(errorOf('job a%2Fb')).toContain('may not contain');
    expect(errorOf('job ..')).toContain('".."');
    expect(errorOf('session stop ../tasks')).toContain('is not a session ID');
    expect(errorOf(`session stop ${GUID}%2F..`)).toContain('is not a session ID');
    expect(errorOf('task task-1/../2')).toContain('is not an EM task ID');
    expect(errorOf('task 12')).toContain('is not an EM task ID');
    expect(errorOf('job "Server Backup')).toContain('unmatched quote');
  });

  it('refuses very long text without echoing it', () => {
    const error = errorOf(`job ${'x'.repeat(4000)}`);
    expect(error).toContain('4004 characters');
    expect(error.length).toBeLessThan(2000);
  });

  it('reads &, < and > as typed: Slack sends them as &amp;, &lt; and &gt;', () => {
    expect(intentOf('job R&amp;D Backup')).toEqual({ kind: 'job', ref: 'R&D Backup' });
    expect(intentOf('jobs &lt;prod&gt;')).toEqual({ kind: 'jobs', filter: '<prod>' });
    // A typed "&lt;" arrives as "&amp;lt;" and stays "&lt;" (decoded once, not twice).
    expect(intentOf('start "a &amp;lt; b"')).toEqual({
      kind: 'job-action',
      action: 'start',
      ref: 'a &lt; b',
    });
  });

  it('echoes unknown verbs, task IDs and session IDs escaped, so no mention or link renders', () => {
    const verb = errorOf('&lt;!channel&gt; now');
    expect(verb).toContain('`&lt;!channel&gt;`');
    expect(verb).not.toContain('<!channel>');
    expect(errorOf('task &lt;https://evil.example|task-1&gt;')).toContain(
      '"&lt;https://evil.example|task-1&gt;"',
    );
    expect(errorOf('session stop &lt;@U123&gt;')).toContain('"&lt;@U123&gt;"');
    expect(errorOf('session stop &lt;@U123&gt;')).not.toMatch(/<[@!]/);
  });

  it('cuts a long echo after escaping and never inside an entity', () => {
    const error = errorOf(`task ${'&amp;'.repeat(30)}`);
    const echoed = /"([^"]*)"/.exec(error)?.[1] ?? '';
    expect(echoed.length).toBeLessThanOrEqual(40);
    expect(echoed).toMatch(/^(&amp;)+…$/);
  });
});
