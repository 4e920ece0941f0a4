// No secret in any log line, across the suite: every end-to-end test hands the lines its bot logged (memory logger
// objects, or a child process's stderr text) and the secrets its stack knows to assertNoSecretLogged().

import type { Config } from '../../src/config.js';
import type { EmSimulator } from '../../src/sim/simulator.js';

/** Secret values by a name the failure message may show (the value itself never goes into an error). */
export type KnownSecrets = Record<string, string>;

interface StackCredentials {
  emUsername: string;
  emPassword: string;
  botToken: string;
  appToken?: string;
  signingSecret?: string;
}

/**
 * What a stack built on `config` (and `sim`) must never log: the EM password and the Basic value made from it, the
 * Slack bot and app tokens (a Bearer header carries the bot token), the signing secret, and every logon session the
 * simulator handed out (SessionId and X-RestSvcSessionId, each as good as the password while it lives).
 */
export function stackSecrets(config: Config, sim?: EmSimulator): KnownSecrets {
  const { em, slack } = config;
  return secretsOf({ emUsername: em.username, emPassword: em.password, ...slack }, sim);
}

/** The same for a bot run as a child process on this environment (its stderr lines are checked). */
export function processSecrets(env: Record<string, string | undefined>, sim?: EmSimulator): KnownSecrets {
  return secretsOf(
    {
      emUsername: env.VEEAM_EM_USERNAME ?? '',
      emPassword: env.VEEAM_EM_PASSWORD ?? '',
      botToken: env.SLACK_BOT_TOKEN ?? '',
      appToken: env.SLACK_APP_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
    },
    sim,
  );
}

/**
 * A password equal to the user name (the simulator's default chatops/chatops) is left out: the user name is not a
 * secret and may be logged; the Basic value made from the pair still is searched for.
 */
function secretsOf(c: StackCredentials, sim: EmSimulator | undefined): KnownSecrets {
  const secrets: KnownSecrets = {
    'EM Authorization (Basic)': Buffer.from(`${c.emUsername}:${c.emPassword}`).toString('base64'),
    'Slack bot token': c.botToken,
  };
  if (c.emPassword !== c.emUsername) secrets['EM password'] = c.emPassword;
  if (c.appToken !== undefined) secrets['Slack app token'] = c.appToken;
  if (c.signingSecret !== undefined) secrets['Slack signing secret'] = c.signingSecret;
  for (const [i, logon] of (sim?.issuedLogons ?? []).entries()) {
    secrets[`EM logon SessionId #${i + 1}`] = logon.id;
    secrets[`EM X-RestSvcSessionId #${i + 1}`] = logon.token;
  }
  return secrets;
}

/**
 * Throws when any line holds any secret: each line is searched as written (a string) or serialized whole (an
 * object, nested errors and fields included), for the value as is and as JSON escapes it.
 */
export function assertNoSecretLogged(lines: readonly unknown[], secrets: KnownSecrets): void {
  const found: string[] = [];
  for (const [index, line] of lines.entries()) {
    const text = typeof line === 'string' ? line : JSON.stringify(line);
    for (const [name, value] of Object.entries(secrets)) {
      if (value === '') continue;
      if (text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1))) {
        found.push(`line ${index + 1} (${messageOf(line, secrets)}) holds the ${name}`);
      }
    }
  }
  if (found.length > 0) throw new Error(`secrets reached the log:\n${found.join('\n')}`);
}

/** The line's message for the failure report, secrets masked, never its fields. */
function messageOf(line: unknown, secrets: KnownSecrets): string {
  const msg = typeof line === 'string' ? line : (line as { msg?: unknown } | null)?.msg;
  if (typeof msg !== 'string') return 'a line without msg';
  let shown = msg;
  for (const value of Object.values(secrets)) if (value !== '') shown = shown.replaceAll(value, '[secret]');
  return `"${shown.slice(0, 120)}"`;
}
