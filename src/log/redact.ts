// The one place that strips secrets from anything about to be logged.

// EM's logon SessionId is as good as the token (em-api.md §2.2); a backup session's ID is not a secret and stays.
const SECRET_KEYS = /pass(word)?|secret|token|authorization|restsvcsessionid|logonsession|cookie/i;
const SECRET_VALUES: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user tokens
  /xapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /(Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/gi,
  /(X-RestSvcSessionId["'=:\s]+)[A-Za-z0-9+/=]+/gi,
];

/**
 * Where secrets sit in what we log, for pino's own redaction: a second net behind redact(), which already masks
 * by key at any depth. Covers the config (EM password, Slack tokens, signing secret), the EM logon session and
 * request/response headers (Authorization, X-RestSvcSessionId, cookies) at the top level and one or two levels down.
 */
const SECRET_FIELDS = [
  'password',
  'botToken',
  'appToken',
  'signingSecret',
  'token',
  'authorization',
  'logonSessionId',
  'logonSession',
  'restSvcSessionId',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-restsvcsessionid"]',
];
export const REDACT_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
]);

/** Returns a copy of `value` with secret-looking keys masked and token-shaped substrings replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(child, depth + 1);
  }
  return out;
}

export function redactString(text: string): string {
  let out = text;
  for (const pattern of SECRET_VALUES) {
    out = out.replace(pattern, (match, prefix?: string) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix.length < match.length
        ? `${prefix}[redacted]`
        : '[redacted]',
    );
  }
  return out;
}
