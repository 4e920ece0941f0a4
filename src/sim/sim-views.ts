// The plain views of jobs and sessions the in-process controls hand out (no El, no HTTP).

import type { SimJob, SimSession } from './inventory-model.js';
import type { SimJobView, SimSessionView } from './types.js';

export function jobView(j: SimJob): SimJobView {
  return {
    id: j.id,
    name: j.name,
    platform: j.platform,
    kind: j.kind,
    jobType: j.jobType,
    scheduleEnabled: j.scheduleEnabled,
  };
}

export function sessionView(s: SimSession): SimSessionView {
  return {
    id: s.id,
    jobId: s.jobId,
    jobName: s.jobName,
    jobType: s.jobType,
    state: s.state,
    result: s.result,
    creationTime: s.creationTime,
    endTime: s.endTime,
    failureMessage: s.reason,
    isRetry: s.isRetry,
  };
}
