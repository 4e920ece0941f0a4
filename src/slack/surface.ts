// The parts every listener shares, built once from SlackDeps: policy, approvals, per-job locks, the schedule switch,
// and the memory of just-asked writes.

import type { ApprovalBook } from '../ops/approvals.js';
import type { Policy } from '../ops/policy.js';
import type { RecentActions } from '../ops/recent-actions.js';
import type { ScheduleSwitch } from '../ops/schedule-switch.js';
import type { SlackDeps } from './deps.js';

export interface SlackSurface extends SlackDeps {
  policy: Policy;
  approvals: ApprovalBook;
  schedule: ScheduleSwitch;
  recentActions: RecentActions;
}
