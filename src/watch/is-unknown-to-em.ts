// EM's two ways of saying it does not know a Task, job or session: 404, or an ID our client refused to send.

import { isEmError } from '../em/errors.js';

export function isUnknownToEm(err: unknown): boolean {
  return isEmError(err) && ((err.kind === 'http' && err.status === 404) || err.kind === 'invalid-id');
}
