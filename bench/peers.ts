// The benchmark's peers process: the EM simulator and the fake Slack Web API, driven over IPC by bench/main.ts,
// so the CPU and memory the benchmark reads in its own process are the bot's alone.

import type { JobType } from '../src/sim/inventory-model.js';
import { type EmSimulator, startEmSimulator } from '../src/sim/simulator.js';
import type { SimJobView } from '../src/sim/types.js';
import { FakeSlackApi } from '../src/slack-standin/fake-slack-api.js';
import { signSlackRequest, slashCommandBody } from '../src/slack-standin/signed-request.js';
import { messageText } from '../src/slack-standin/slack-user.js';
import { AckClient } from './ack-client.js';
import type {
  AckRequest,
  AckResult,
  PeerEnvelope,
  PeerEvents,
  PeerReply,
  PeerRequest,
  PeerStarted,
  PeerStats,
} from './peer-messages.js';
import { timeCommand } from './timed-command.js';

let sim: EmSimulator | undefined;
let slack: FakeSlackApi | undefined;
let events: PeerEvents = { finished: [], posts: [], taskLists: [] };
let listTracker: NodeJS.Timeout | undefined;
/** Web API calls by method, 429s included; and the chat.postMessage calls answered ok. */
const callCounts: Record<string, number> = {};
let okPosts = 0;
/** Jobs the benchmark added beyond the seed (ensureJobs adds only what is missing, so phases can share them). */
const addedJobs: SimJobView[] = [];
/** Slack's side of the ack benchmark: many sockets at once; kept alive between bursts, closed at stop. */
const slackUser = new AckClient();

async function handle(req: PeerRequest): Promise<unknown> {
  switch (req.op) {
    case 'start':
      return start(req.sim);
    case 'knobs': {
      const { rateLimitFraction, ...simKnobs } = req.knobs;
      Object.assign(requireSim().knobs, simKnobs);
      if (rateLimitFraction !== undefined) requireSlack().rateLimitFraction = rateLimitFraction;
      return null;
    }
    case 'stats':
      return stats();
    case 'takeEvents':
      return takeEvents();
    case 'countPosts':
      return events.posts.length;
    case 'ack':
      return ack(req.request);
    case 'trackTaskLists':
      trackTaskLists(req.on);
      return null;
    case 'responseUrlCount':
      tallyCalls();
      return callCounts.response_url ?? 0;
    case 'ensureJobs':
      return ensureJobs(req.total, req.kinds);
    case 'addSessions':
      return req.sessions.map((init) => requireSim().addSession(init).id);
    case 'timeCommand':
      return timeCommand(requireSlack(), slackUser, req.request);
    case 'channelMessages':
      return requireSlack()
        .messages.filter((m) => m.channel === req.channel)
        .map((m) => ({ ts: m.ts, threadTs: m.threadTs, text: messageText(m) }));
    case 'stop':
      await stop();
      return null;
  }
}

/** Starts the simulator and the fake Slack, and records every Task end and thread reply with its time. */
async function start(options: Extract<PeerRequest, { op: 'start' }>['sim']): Promise<PeerStarted> {
  sim = await startEmSimulator({ ...options, seedInventory: true });
  slack = new FakeSlackApi();
  await slack.listen();
  sim.onTaskFinished((taskId, atMs) => events.finished.push([taskId, atMs]));
  slack.onEvent((event) => {
    if (event.kind === 'post') okPosts += 1;
    if (event.kind === 'post' && event.message.threadTs !== undefined) {
      events.posts.push([event.message.channel, event.message.threadTs, Date.now()]);
    }
  });
  return { simUrl: sim.url, slackApiUrl: slack.url };
}

/** Hands over the events recorded so far and starts a fresh record. */
function takeEvents(): PeerEvents {
  const taken = events;
  events = { finished: [], posts: [], taskLists: [] };
  // The fake keeps every message; the benchmark has its own copy of what matters, so memory stays flat.
  tallyCalls();
  requireSlack().messages.length = 0;
  requireSlack().ephemerals.length = 0;
  return taken;
}

/** Closes both peers, then exits once the reply to "stop" is on its way. */
async function stop(): Promise<void> {
  trackTaskLists(false);
  await slack?.close();
  await sim?.close();
  slackUser.close();
  setImmediate(() => process.exit(0));
}

/** Job i is of kind kinds[i % n] and named "Night 0001 Backup"…: no name is a substring of another. */
function ensureJobs(total: number, kinds: JobType[]): SimJobView[] {
  const sim = requireSim();
  for (let i = addedJobs.length; i < total; i += 1) {
    const jobType = kinds[i % kinds.length] as JobType;
    addedJobs.push(sim.addJob({ name: `Night ${String(i + 1).padStart(4, '0')} ${jobType}`, jobType }));
  }
  return addedJobs.slice(0, total);
}

/** Moves the fake's call log into running counts by method (the log itself would grow all run long). */
function tallyCalls(): void {
  const calls = requireSlack().calls;
  for (const call of calls) callCounts[call.method] = (callCounts[call.method] ?? 0) + 1;
  calls.length = 0;
}

function stats(): PeerStats {
  tallyCalls();
  const s = requireSim().stats;
  return {
    sim: { requests: s.requests, byRoute: { ...s.byRoute } },
    slackCalls: { ...callCounts },
    slackPosts: okPosts,
  };
}

/**
 * When each GET /tasks arrived, from the simulator's public counters: a 2 ms timer in this process, so the bot's
 * process pays nothing for it. Splits notify latency into "until the next list" and "from the list to the post".
 */
function trackTaskLists(on: boolean): void {
  if (listTracker) clearInterval(listTracker);
  listTracker = undefined;
  if (!on) return;
  const stats = requireSim().stats;
  let seen = stats.byRoute['GET /tasks'] ?? 0;
  listTracker = setInterval(() => {
    const now = stats.byRoute['GET /tasks'] ?? 0;
    for (; seen < now; seen += 1) events.taskLists.push(Date.now());
  }, 2);
}

/** Sends `sequential` commands one by one, or `count` at once; times each until the bot's HTTP answer. */
async function ack(req: AckRequest): Promise<AckResult> {
  const fake = requireSlack();
  const url = new URL(req.eventsUrl);
  // Built and signed before the clock starts: only the bot's answer is timed.
  const send = (): Promise<{ ms: number; status: number }> => {
    const body = slashCommandBody({
      text: req.text,
      userId: req.user,
      channelId: req.channel,
      responseUrl: fake.responseUrl(req.channel),
    });
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(req.signingSecret, body, Math.floor(Date.now() / 1000)),
    };
    return slackUser.post(url, headers, body);
  };
  const results: { ms: number; status: number }[] = [];
  for (let i = 0; i < req.sequential; i += 1) results.push(await send());
  results.push(...(await Promise.all(Array.from({ length: req.count }, () => send()))));
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return { latenciesMs: results.map((r) => r.ms), statuses };
}

function requireSim(): EmSimulator {
  if (!sim) throw new Error('peers not started');
  return sim;
}

function requireSlack(): FakeSlackApi {
  if (!slack) throw new Error('peers not started');
  return slack;
}

process.on('message', (message: PeerEnvelope) => {
  handle(message.request)
    .then((result) => {
      send({ id: message.id, ok: true, result });
    })
    .catch((err: unknown) =>
      send({
        id: message.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
    );
});

// The parent went away (crash or Ctrl-C): nothing left to serve.
process.on('disconnect', () => process.exit(0));

function send(reply: PeerReply): void {
  process.send?.(reply);
}
