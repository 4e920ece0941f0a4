// Which EM-given action links are used (and as what path), which are refused: em/action-link.ts on its own.

import { describe, expect, it } from 'vitest';
import { actionLinkPath, findActionLink } from '../../src/em/action-link.js';
import { EmError } from '../../src/em/errors.js';

const ID = '70073b98-098b-4046-a097-43cbda67d58a';
const job = { collections: ['/jobs'], id: ID, label: 'job "X"' };
const link = (href: string) => ({ rel: 'Start', href });

describe('actionLinkPath', () => {
  it('keeps the path and query below /api and drops the host EM named', () => {
    expect(
      actionLinkPath(link(`https://em-internal.corp:9398/api/jobs/${ID}?action=start`), 'start', job),
    ).toBe(`/jobs/${ID}?action=start`);
  });

  it("accepts v10's path-style action and EM's upper-case GUIDs", () => {
    const nas = { collections: ['/nas/jobs'], id: ID, label: 'job "X"' };
    expect(
      actionLinkPath(link(`https://localhost:9398/api/nas/jobs/${ID.toUpperCase()}/start`), 'start', nas),
    ).toBe(`/nas/jobs/${ID.toUpperCase()}/start`);
  });

  it.each([
    ['credentials in the URL', `https://user:pw@em:9398/api/jobs/${ID}?action=start`],
    ['a non-HTTP scheme', `ftp://em/api/jobs/${ID}?action=start`],
    ['a relative link', `/api/jobs/${ID}?action=start`],
    ['both action styles', `https://em/api/jobs/${ID}/start?action=start`],
    ['the action twice', `https://em/api/jobs/${ID}?action=start&action=start`],
    ['a deeper path', `https://em/api/jobs/${ID}/includes/start`],
  ])('refuses %s', (_what, href) => {
    const err = (() => {
      try {
        actionLinkPath(link(href), 'start', job);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(EmError);
    expect((err as EmError).kind).toBe('invalid-link');
  });
});

describe('findActionLink', () => {
  it('matches the Rel case-insensitively and takes the first', () => {
    const links = [
      { rel: 'Up', href: 'a' },
      { rel: 'togglescheduleenabled', href: 'b' },
      { rel: 'ToggleScheduleEnabled', href: 'c' },
    ];
    expect(findActionLink(links, 'toggleScheduleEnabled')?.href).toBe('b');
    expect(findActionLink(links, 'sync')).toBeUndefined();
  });
});
