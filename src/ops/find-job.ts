// Looks a user's job reference up in EM: a GUID/UID is read directly, anything else is matched against the job list.

import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import { guidFrom } from '../em/ids.js';
import { type JobResolution, resolveJob } from './resolve-job.js';

export async function findJob(em: EmApi, ref: string): Promise<JobResolution> {
  const guid = guidFrom(ref);
  if (guid !== undefined) {
    try {
      return { kind: 'found', job: await em.getAgentJob(guid) };
    } catch (err) {
      if (isEmError(err) && err.status === 404) return { kind: 'none', closest: [] };
      throw err;
    }
  }
  return resolveJob(await em.listAgentJobs(), ref);
}
