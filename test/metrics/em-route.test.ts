// Route templates for EM metrics: IDs, names and filter values never become label values.

import { describe, expect, it } from 'vitest';
import { emRoute } from '../../src/em/em-route.js';

describe('emRoute', () => {
  it.each([
    ['GET', '/jobs/urn:veeam:Job:3c7b0e1e-4e7f-4b7e-9a5e-1f2d3c4b5a69?format=Entity', 'GET /jobs/{id}'],
    ['POST', '/jobs/3c7b0e1e-4e7f-4b7e-9a5e-1f2d3c4b5a69?action=start', 'POST /jobs/{id}?action=start'],
    ['GET', '/tasks/task-12', 'GET /tasks/{id}'],
    ['POST', '/sessionMngr/?v=latest', 'POST /sessionMngr'],
    ['DELETE', '/logonSessions/a1b2c3', 'DELETE /logonSessions/{id}'],
    [
      'GET',
      '/query?type=BackupJobSession&filter=JobName=="Secret Name"&pageSize=100',
      'GET /query?type=BackupJobSession',
    ],
    ['GET', '/agents/jobs', 'GET /agents/jobs'],
  ])('%s %s → %s', (method, path, route) => {
    expect(emRoute(method, path)).toBe(route);
  });
});
