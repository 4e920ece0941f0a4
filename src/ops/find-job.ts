// Looks a user's job reference up in EM: a GUID/UID is read directly, anything else is matched against the job list.

import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import { guidFrom } from '../em/ids.js';
import { type JobResolution, resolveJob } from './resolve-job.js';

/** Every kind of job: a UID's type (urn:veeam:Job:…) picks EM's collection, a bare GUID tries each. */
export async function findJob(em: EmApi, ref: string): Promise<JobResolution> {
  const trimmed = ref.trim();
  if (guidFrom(trimmed) !== undefined) {
    try {
      return { kind: 'found', job: await em.getJob(trimmed) };
    } catch (err) {
      if (isEmError(err) && err.status === 404) return { kind: 'none', closest: [] };
      throw err;
    }
  }
  return resolveJob(await em.listJobs(), ref);
}
