// A per-key async lock: work on one job runs one at a time, in arrival order; other jobs are not held up.

export class JobLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last holder cleans up, so the map does not grow with every job ever touched.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
