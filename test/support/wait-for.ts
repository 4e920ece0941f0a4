// Polls a condition until it holds: how tests wait for what happens over HTTP or on timers, instead of sleeping.

export interface WaitForOptions {
  /** How long to keep polling before the test fails; 8 s unless the call site says otherwise. */
  timeoutMs?: number;
  /** What is awaited, for the failure message: "timed out after 8000 ms waiting for <what>". */
  what?: string;
}

type Falsy = undefined | null | false;

/** Calls `probe` (sync or async) every 20 ms until it returns something truthy, and returns that. */
export async function waitFor<T>(
  probe: () => T | Falsy | Promise<T | Falsy>,
  { timeoutMs = 8_000, what = 'condition' }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
