// The stand-in's Home tabs: views.publish as real Slack answers it (the view's Block Kit is checked before, by the
// refusal log: type home, at most 100 blocks, the message block rules), and what each user would see now.

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as Slack receives it
type Json = any;

export interface FakeHomeView {
  type: string;
  blocks: Json[];
  private_metadata?: string;
}

export class FakeHomeViews {
  /** user ID → the Home view last published for them, and how many times one was. */
  private readonly views = new Map<string, { view: FakeHomeView; publishes: number }>();

  publish(args: Record<string, Json>): Record<string, Json> {
    const user = args.user_id;
    if (typeof user !== 'string' || user === '') return { ok: false, error: 'invalid_arguments' };
    if (!/^[UW][A-Z0-9]+$/.test(user)) return { ok: false, error: 'user_not_found' };
    if (args.view?.type !== 'home') return { ok: false, error: 'invalid_arguments' };
    const known = this.views.get(user);
    this.views.set(user, { view: args.view, publishes: (known?.publishes ?? 0) + 1 });
    return { ok: true, view: { id: `V${user}`, team_id: 'T0FAKE', ...args.view } };
  }

  view(user: string): FakeHomeView | undefined {
    return this.views.get(user)?.view;
  }

  publishes(user: string): number {
    return this.views.get(user)?.publishes ?? 0;
  }
}
