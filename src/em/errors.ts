// One error type for everything that goes wrong talking to Enterprise Manager; callers branch on `kind`.

export type EmErrorKind =
  /** Connection refused, reset, DNS failure, TLS failure. */
  | 'unreachable'
  /** The whole request (connect, headers and the entire body) took longer than VEEAM_EM_TIMEOUT_MS. */
  | 'timeout'
  /** EM answered with an error status (its Error body's Message in emMessage). */
  | 'http'
  /** EM rejected the logon (401 on sessionMngr), or took it and a call still answered 401 (reason 'refused-after-logon'). */
  | 'auth'
  /** EM's body could not be read as the XML/JSON we expect, or was not EM's answer at all (reason 'not-em'). */
  | 'parse'
  /** The answer grew past VEEAM_EM_MAX_BODY_BYTES: refused and not read further. */
  | 'too-large'
  /** An ID that is not a GUID, a urn:veeam:…:GUID UID or a task ID: refused before any request. */
  | 'invalid-id'
  /** A link EM gave (action, Stop) that is not under /api or not an action on the same object: refused, not sent. */
  | 'invalid-link'
  /** EM offers no link for the action on this object (e.g. no Start on a backup copy job), or the object's state
   *  forbids it (deleting an unfinished Task): refused before any request. */
  | 'action-unavailable';

/**
 * What a kind alone does not say: 'not-em' (parse) — a well-formed page that is not EM's, such as a proxy's or a
 * sign-on gateway's login page; 'refused-after-logon' (auth) — the logon worked, the request still got 401.
 */
export type EmErrorReason = 'not-em' | 'refused-after-logon';

interface EmErrorInit {
  status?: number;
  reason?: EmErrorReason;
  emMessage?: string;
  /** Method and path (never the session id or credentials), for logs. */
  request?: string;
  cause?: unknown;
}

export class EmError extends Error {
  readonly status?: number;
  /** EM's own Message from its Error body, shown to users verbatim (em-api.md fact 10). */
  readonly emMessage?: string;
  readonly request?: string;
  readonly reason?: EmErrorReason;

  constructor(
    readonly kind: EmErrorKind,
    message: string,
    init: EmErrorInit = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'EmError';
    this.status = init.status;
    this.emMessage = init.emMessage;
    this.request = init.request;
    this.reason = init.reason;
  }

  get code(): string {
    return `EM_${this.kind.toUpperCase().replaceAll('-', '_')}`;
  }
}

export function isEmError(err: unknown): err is EmError {
  return err instanceof EmError;
}

/** The sentence a Slack user sees for an EM failure; built here and nowhere else. */
export function describeEmError(err: unknown): string {
  if (!(err instanceof EmError)) return 'Something went wrong on our side; the details are in the bot log.';
  switch (err.kind) {
    case 'unreachable':
      return 'Enterprise Manager is unreachable right now (connection failed). Nothing was changed; try again in a minute.';
    case 'timeout':
      return 'Enterprise Manager did not answer in time. The request may or may not have been applied; check with `/veeam job <name>` before trying again.';
    case 'auth':
      if (err.reason === 'refused-after-logon') {
        return "Enterprise Manager accepted the bot's logon but refused the request (401). An admin must check the EM account's role (Portal Administrator to run jobs); the bot waits a while before logging on again.";
      }
      return "Enterprise Manager rejected the bot's logon. An admin must check VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD and the account's EM role.";
    case 'parse':
      if (err.reason === 'not-em') {
        return "The bot got a page that is not Enterprise Manager's answer (a proxy or sign-on page in front of EM?). Nothing was assumed; an admin must check VEEAM_EM_URL and what sits in front of EM.";
      }
      return 'Enterprise Manager answered with something the bot could not read. Nothing was assumed; the details are in the bot log.';
    case 'too-large':
      return 'Enterprise Manager sent an answer larger than the bot accepts (VEEAM_EM_MAX_BODY_BYTES), so it was not read. Nothing was assumed; the details are in the bot log.';
    case 'invalid-id':
    case 'action-unavailable':
      return err.message;
    case 'invalid-link':
      return 'Enterprise Manager offered a link the bot does not trust for this action, so nothing was sent. The details are in the bot log.';
    case 'http': {
      const what =
        err.status === 404
          ? 'not found'
          : err.status === 403
            ? 'access denied (the EM account needs the Portal Administrator role for this)'
            : `HTTP ${err.status ?? '?'}`;
      return err.emMessage
        ? `Enterprise Manager said: ${err.emMessage} (${what})`
        : `Enterprise Manager answered ${what}.`;
    }
  }
}
