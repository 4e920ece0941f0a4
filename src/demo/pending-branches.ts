// Branches of issue 11 a demo step depends on, and which of them this tree does not have yet. A step that needs a
// pending branch is played but may fall short (recorded, not fatal), so `npm run demo` stays green on a branch
// that has only part of the work; once every branch is merged this set is empty and every step must pass.

export type KindsBranch = 'kinds-surface' | 'kinds-watch' | 'kinds-notify';

/** The lead empties this when kinds-surface, kinds-watch and kinds-notify are merged. */
export const PENDING_BRANCHES: ReadonlySet<KindsBranch> = new Set<KindsBranch>([
  'kinds-surface',
  'kinds-watch',
  'kinds-notify',
]);
