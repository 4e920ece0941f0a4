// Logon sessions: Basic credentials → SessionId GUID + opaque X-RestSvcSessionId token, idle expiry (em-api.md §2).

import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface LogonSession {
  /** GUID in the body and in the logout URL. */
  id: string;
  /** X-RestSvcSessionId: base64 of 16 random bytes, deliberately NOT derivable from the SessionId (em-api.md §2.2). */
  token: string;
  userName: string;
  lastSeen: number;
}

interface LogonSessionsDeps {
  now: () => number;
  idleMs: () => number;
  /** A session ended (logout, idle expiry, expireAll): its Tasks go too. */
  onEnded: (session: LogonSession) => void;
}

export class LogonSessions {
  private readonly byToken = new Map<string, LogonSession>();

  constructor(private readonly deps: LogonSessionsDeps) {}

  create(userName: string): LogonSession {
    const session: LogonSession = {
      id: randomUUID(),
      token: randomBytes(16).toString('base64'),
      userName,
      lastSeen: this.deps.now(),
    };
    this.byToken.set(session.token, session);
    return session;
  }

  /** The live session for a token, touching its idle timer; undefined when unknown or idle-expired. */
  authenticate(token: string | undefined): LogonSession | undefined {
    if (!token) return undefined;
    const session = this.byToken.get(token);
    if (!session) return undefined;
    const now = this.deps.now();
    if (now - session.lastSeen > this.deps.idleMs()) {
      this.end(session);
      return undefined;
    }
    session.lastSeen = now;
    return session;
  }

  byId(id: string): LogonSession | undefined {
    for (const s of this.byToken.values()) if (s.id === id.toLowerCase()) return s;
    return undefined;
  }

  list(): LogonSession[] {
    return [...this.byToken.values()];
  }

  end(session: LogonSession): void {
    if (this.byToken.delete(session.token)) this.deps.onEnded(session);
  }

  expireAll(): void {
    for (const session of [...this.byToken.values()]) this.end(session);
  }
}

/** Checks `Authorization: Basic …` against the configured credentials; returns the user name when they match. */
export function checkBasic(
  header: string | undefined,
  username: string,
  password: string,
): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const pass = decoded.slice(colon + 1);
  return sameText(user, username) && sameText(pass, password) ? user : undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
