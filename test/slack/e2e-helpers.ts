// Small probes over what the fake Slack and the simulator saw, shared by the Slack end-to-end tests.

import { ACTION_IDS } from '../../src/slack/action-ids.js';
import type { FakeMessage } from '../../src/slack-standin/fake-slack-api.js';
import type { Harness } from '../support/harness.js';
import { findButton, messageText } from '../support/harness.js';

/**
 * Requests that change something in EM (everything but logon/logout and reads). The watcher's DELETEs of Finished
 * Tasks (keeping the logon session's Task list small) change nothing an operator asked for: not counted.
 */
export function emWrites(h: Harness): number {
  const writes = Object.entries(h.sim.stats.byRoute)
    .filter(([route]) => /^(POST|PUT|DELETE) /.test(route) && !/sessionMngr|logonSessions/i.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
  return writes - h.sim.stats.finishedTasksRemoved;
}

/** How many POSTs EM got on routes containing `fragment` (e.g. "agents/jobs", "backupSessions"). */
export function posts(h: Harness, fragment: string): number {
  return Object.entries(h.sim.stats.byRoute)
    .filter(([route]) => route.startsWith('POST ') && route.includes(fragment))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** DELETEs on routes containing `fragment`; for tasks, cancels only (not the watcher's removal of Finished Tasks). */
export function deletes(h: Harness, fragment: string): number {
  const all = Object.entries(h.sim.stats.byRoute)
    .filter(([route]) => route.startsWith('DELETE ') && route.includes(fragment))
    .reduce((sum, [, n]) => sum + n, 0);
  return fragment.includes('tasks') ? all - h.sim.stats.finishedTasksRemoved : all;
}

/** Runs `act`, then waits for a new ephemeral (to `user` when it went via postEphemeral) containing `needle`. */
export async function ephemeralAfter(h: Harness, act: () => Promise<unknown>, needle: string | RegExp) {
  const before = h.slack.ephemerals.length;
  await act();
  return h.waitFor(
    () =>
      h.slack.ephemerals
        .slice(before)
        .find((e) =>
          typeof needle === 'string' ? messageText(e).includes(needle) : needle.test(messageText(e)),
        ),
    { what: `an ephemeral containing ${String(needle)}` },
  );
}

/** Waits for a top-level message in `channel`, posted after `since` messages, that matches. */
export function newTopLevel(h: Harness, channel: string, since: number, match: (text: string) => boolean) {
  return h.waitFor(
    () =>
      h.slack
        .topLevel(channel)
        .slice(since)
        .find((m) => match(messageText(m))),
    {
      what: 'a new top-level message',
    },
  );
}

export function auditLines(h: Harness) {
  return h.logger.lines.filter((l) => l.audit === true);
}

export { findButton, messageText };

/** The button, or a test failure naming what was missing. */
export function buttonOf(message: { blocks?: unknown[] } | undefined, actionId: string, value?: string) {
  const found = findButton(message, actionId, value);
  if (!found) throw new Error(`no ${actionId} button in ${messageText(message)}`);
  return found;
}

/**
 * A message as it was while its action ran (its EM task and Cancel button), read from the chat.update history rather
 * than the message's current state: a fast Task replaces the running state with the result at once.
 */
export function runningVersion(h: Harness, message: FakeMessage): Promise<FakeMessage> {
  const runningUpdate = () =>
    h.slack
      .callsTo('chat.update')
      .map((call) => call.args)
      .find((args) => args.ts === message.ts && findButton(args, ACTION_IDS.taskCancel) !== undefined);
  return h.waitFor(
    () => {
      const args = runningUpdate();
      return args === undefined
        ? undefined
        : { ...message, text: String(args.text ?? ''), blocks: args.blocks, updates: 0 };
    },
    { what: 'the message to show its running EM task with a Cancel button' },
  );
}
