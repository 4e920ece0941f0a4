// What the watcher hands to Slack, in neutral terms: which message of a watch to post, and the one call that posts
// it. The Slack side (slack/messages/task-publisher.ts) renders and sends; the watcher never sees Block Kit.

import type { WatchSpec } from './types.js';
import type { WatchReport } from './watch-report.js';

/**
 * running: the parent while the Task runs (with its Cancel button), plus the approval note if any.
 * report: a step's finding (a thread reply, or the parent's outcome at a glance).
 * cancelled: said in the thread as soon as someone cancels.
 * text: an item saved as Slack text by an older version of the bot (sent as it is).
 */
export type WatchPost =
  | { type: 'running'; note?: string }
  | { type: 'report'; report: WatchReport }
  | { type: 'cancelled'; byUser: string }
  | { type: 'text'; text: string };

/** One message of a watch: a reply in its thread, or an update of its parent (the bot's own message). */
export interface WatchMessage {
  kind: 'reply' | 'parent';
  post: WatchPost;
}

/** sent: Slack took it. retry: keep it and try later. dropped: no retry will help (the error says why). */
export type PublishResult = { outcome: 'sent' } | { outcome: 'retry' | 'dropped'; error: unknown };

/** Built by createBot from the Slack client; the watcher calls it once per outbox item and attempt. */
export interface WatchPublisher {
  /** Never rejects: every failure is a result. */
  publish(spec: WatchSpec, message: WatchMessage): Promise<PublishResult>;
}
