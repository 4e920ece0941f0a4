// The audit trail: one stable JSON line per write action and per approval decision, through the logger.

import type { Logger } from '../log/logger.js';

export interface AuditEntry {
  user: string;
  channel: string;
  action: string;
  /** Job or session GUID, or task ID. */
  target: string;
  approver?: string;
  taskId?: string;
  /** e.g. accepted, refused, failed, approval-requested, approved, denied, expired, already-in-state,
   * self-approval-refused, duplicate-ignored, busy. */
  outcome: string;
  detail?: string;
}

export function audit(logger: Logger, entry: AuditEntry): void {
  logger.info('audit', {
    audit: true,
    user: entry.user,
    channel: entry.channel,
    action: entry.action,
    target: entry.target,
    approver: entry.approver,
    taskId: entry.taskId,
    outcome: entry.outcome,
    ...(entry.detail ? { detail: entry.detail } : {}),
  });
}
