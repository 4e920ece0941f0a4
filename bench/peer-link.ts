// The benchmark's handle on its peers process: forks bench/peers.ts under tsx and calls it over IPC.

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { JobType } from '../src/sim/inventory-model.js';
import type { SimJobView, SimSessionInit } from '../src/sim/types.js';
import type {
  AckRequest,
  AckResult,
  ChannelMessage,
  PeerEnvelope,
  PeerEvents,
  PeerKnobs,
  PeerReply,
  PeerRequest,
  PeerStarted,
  PeerStats,
  TimedCommandRequest,
  TimedCommandResult,
} from './peer-messages.js';

export class PeerLink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: PeerReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`peers: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`peers process exited (${code})`));
      this.pending.clear();
    });
  }

  /** Forks the peers process; its stdout goes to our stderr so stdout stays one JSON document. */
  static async start(sim: {
    backupDurationMs: number;
    taskDurationMs: number;
  }): Promise<{ link: PeerLink; urls: PeerStarted }> {
    const path = fileURLToPath(new URL('./peers.ts', import.meta.url));
    const child = fork(path, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] });
    const link = new PeerLink(child);
    const urls = (await link.call({ op: 'start', sim })) as PeerStarted;
    return { link, urls };
  }

  knobs(knobs: PeerKnobs): Promise<void> {
    return this.call({ op: 'knobs', knobs }) as Promise<void>;
  }

  stats(): Promise<PeerStats> {
    return this.call({ op: 'stats' }) as Promise<PeerStats>;
  }

  takeEvents(): Promise<PeerEvents> {
    return this.call({ op: 'takeEvents' }) as Promise<PeerEvents>;
  }

  countPosts(): Promise<number> {
    return this.call({ op: 'countPosts' }) as Promise<number>;
  }

  ack(request: AckRequest): Promise<AckResult> {
    return this.call({ op: 'ack', request }) as Promise<AckResult>;
  }

  trackTaskLists(on: boolean): Promise<void> {
    return this.call({ op: 'trackTaskLists', on }) as Promise<void>;
  }

  responseUrlCount(): Promise<number> {
    return this.call({ op: 'responseUrlCount' }) as Promise<number>;
  }

  ensureJobs(total: number, kinds: JobType[]): Promise<SimJobView[]> {
    return this.call({ op: 'ensureJobs', total, kinds }) as Promise<SimJobView[]>;
  }

  addSessions(sessions: SimSessionInit[]): Promise<string[]> {
    return this.call({ op: 'addSessions', sessions }) as Promise<string[]>;
  }

  timeCommand(request: TimedCommandRequest): Promise<TimedCommandResult> {
    return this.call({ op: 'timeCommand', request }) as Promise<TimedCommandResult>;
  }

  channelMessages(channel: string): Promise<ChannelMessage[]> {
    return this.call({ op: 'channelMessages', channel }) as Promise<ChannelMessage[]>;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.call({ op: 'stop' }).catch(() => undefined);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }

  private call(request: PeerRequest): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, request } satisfies PeerEnvelope);
    });
  }
}
