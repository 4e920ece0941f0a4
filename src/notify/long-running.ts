// "Still running" posts: one per session running longer than longRunningMinutes, updated (Stop button removed)
// once the session ends.

import type { JobSession } from '../em/types.js';
import { updateBestEffort } from './incident-publisher.js';
import type { MonitorParts } from './monitor-parts.js';
import type { MonitorState } from './monitor-state.js';
import { isReportedRunning } from './query-monitored-sessions.js';
import { toSessionRecord } from './session-record.js';

/** Posts each session over the limit once; returns the IDs running now, for pruning. */
export async function handleRunning(
  parts: MonitorParts,
  state: MonitorState,
  running: JobSession[],
  now: number,
): Promise<Set<string>> {
  const limitMs = (parts.config.longRunningMinutes ?? 0) * 60_000;
  const ids = new Set<string>();
  for (const session of running) {
    if (!isReportedRunning(session)) continue;
    ids.add(session.id);
    if (state.longRunning[session.id] !== undefined || state.seen[session.id] !== undefined) continue;
    const started = Date.parse(session.creationTime);
    if (Number.isNaN(started) || now - started < limitMs) continue;
    await announce(parts, state, session, now);
  }
  return ids;
}

/** A failed post is logged and tried again on the next poll (the session is not remembered as announced). */
async function announce(
  parts: MonitorParts,
  state: MonitorState,
  session: JobSession,
  now: number,
): Promise<void> {
  try {
    const event = { kind: 'long-running', session: toSessionRecord(session), nowMs: now } as const;
    const ts = await parts.publisher.post(parts.channel, event);
    state.longRunning[session.id] = { channel: parts.channel, ts, announcedAtMs: now };
    parts.logger.info('long-running session announced', { sessionId: session.id, jobId: session.jobId });
  } catch (error) {
    parts.logger.warn('could not post a long-running session to Slack; tried again on the next poll', {
      sessionId: session.id,
      error,
    });
  }
}

/** The session ended: its "still running" post (if any) says so and loses its Stop button. */
export async function endLongRunning(
  parts: MonitorParts,
  state: MonitorState,
  session: JobSession,
): Promise<void> {
  const post = state.longRunning[session.id];
  if (post === undefined) return;
  await updateBestEffort(
    parts.publisher,
    parts.logger,
    post,
    { kind: 'long-running-ended', session: toSessionRecord(session) },
    { what: 'long-running post', sessionId: session.id },
  );
  delete state.longRunning[session.id];
}
