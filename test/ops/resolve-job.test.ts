import { describe, expect, it } from 'vitest';
import { editDistance, resolveJob } from '../../src/ops/resolve-job.js';
import { agentJob } from './job-fixtures.js';

const jobs = [
  agentJob('a6deb158-b26c-4140-8b26-5a3cc344e8ec', 'Server Backup'),
  agentJob('3f1c2b7e-9a4d-4e21-8c55-0d6b1e2f7a10', 'Server Backup SQL'),
  agentJob('7b9e4d21-5c3a-4f8e-9d10-2a6b8c4e1f37', 'Linux Web Servers'),
  agentJob('c2d4e6f8-1a3b-4c5d-8e7f-90a1b2c3d4e5', 'Linux DB Servers'),
  agentJob('e5f60718-293a-4b4c-9d5e-6f708192a3b4', 'Workstations Weekly'),
];

function found(text: string): string {
  const r = resolveJob(jobs, text);
  if (r.kind !== 'found') throw new Error(`expected found for ${text}, got ${r.kind}`);
  return r.job.name;
}

describe('resolveJob', () => {
  it('finds a job by GUID (any case) and by UID', () => {
    expect(found('A6DEB158-B26C-4140-8B26-5A3CC344E8EC')).toBe('Server Backup');
    expect(found('urn:veeam:AgentBackupJob:7b9e4d21-5c3a-4f8e-9d10-2a6b8c4e1f37')).toBe('Linux Web Servers');
  });

  it('prefers the exact name (case-insensitive) over a longer name sharing it as prefix', () => {
    expect(found('server backup')).toBe('Server Backup');
    expect(found('Server Backup SQL')).toBe('Server Backup SQL');
  });

  it('accepts a unique prefix', () => {
    expect(found('linux w')).toBe('Linux Web Servers');
    expect(found('Work')).toBe('Workstations Weekly');
  });

  it('returns every candidate when a prefix is shared', () => {
    const r = resolveJob(jobs, 'Linux');
    expect(r.kind).toBe('ambiguous');
    expect(r.kind === 'ambiguous' && r.jobs.map((j) => j.name)).toEqual([
      'Linux Web Servers',
      'Linux DB Servers',
    ]);
    expect(resolveJob(jobs, 'serv').kind).toBe('ambiguous');
  });

  it('suggests the closest names when nothing matches', () => {
    const r = resolveJob(jobs, 'Servr Backup');
    expect(r.kind === 'none' && r.closest.map((j) => j.name)).toEqual(['Server Backup', 'Server Backup SQL']);
    expect(resolveJob(jobs, 'qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq')).toEqual({ kind: 'none', closest: [] });
  });

  it('says none for an unknown GUID', () => {
    expect(resolveJob(jobs, '00000000-0000-0000-0000-000000000000')).toEqual({ kind: 'none', closest: [] });
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
