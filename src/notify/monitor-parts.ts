// What every part of one incident poll works with: the publisher, the logger, the config and the poll's notes.

import type { NotifyConfig } from '../config.js';
import type { JobSession } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { IncidentPublisher } from './incident-publisher.js';
import type { SessionRecord, Storm } from './monitor-state.js';
import { noProblemDetails, type ProblemDetails } from './problem-details.js';
import { toSessionRecord } from './session-record.js';

/** The monitor's fixed parts, shared by the one-job modules of a poll. */
export interface MonitorParts {
  publisher: IncidentPublisher;
  logger: Logger;
  config: NotifyConfig;
  /** The incident channel (config.incidentChannel, checked at construction). */
  channel: string;
}

/** What one poll knows about storms, held-back jobs and its problem runs. */
export interface PollContext {
  /** The storm new incidents join this poll: opened now, or a saved one still open and young enough. */
  storm?: Storm;
  /** Jobs whose sessions wait for the next poll: a post for them failed, so later runs must not overtake it. */
  deferredJobs: Set<string>;
  /** Storms whose summary must be updated at the end of the poll. */
  changedStorms: Set<Storm>;
  /** Storms whose thread already paged the mention this poll (the summary itself, or a first joining card). */
  pagedStorms: Set<Storm>;
  /** Task-session reasons and Retry offers read for this poll's problem runs. */
  details: ProblemDetails;
}

export function newPollContext(details: ProblemDetails = noProblemDetails()): PollContext {
  return { deferredJobs: new Set(), changedStorms: new Set(), pagedStorms: new Set(), details };
}

/** The session as the monitor keeps it, with the reasons this poll read for it. */
export function recordOf(ctx: PollContext, session: JobSession): SessionRecord {
  return toSessionRecord(session, ctx.details.reasons.get(session.id));
}
