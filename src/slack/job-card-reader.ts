// A job's card with its newest sessions read from EM; a failed session read still shows the card (and says so).

import type { Job, JobSession } from '../em/types.js';
import type { SlackMessage } from './block-kit.js';
import type { SlackDeps } from './deps.js';
import { jobCardMessage } from './messages/job-card.js';

export async function jobCard(deps: SlackDeps, job: Job): Promise<SlackMessage> {
  let sessions: JobSession[] | undefined;
  try {
    sessions = await deps.em.listJobSessions(job);
  } catch (error) {
    deps.logger.warn('could not read the sessions of a job for its card', { jobId: job.id, error });
  }
  // A Start that opens a preview needs no Slack dialog before it: the preview's Confirm is the confirmation.
  return jobCardMessage(job, sessions, (action) => deps.policy.needsPreview(action));
}
