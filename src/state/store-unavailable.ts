// The one error a store operation throws when the shared store (Redis) cannot be reached: nothing was done.

export class StoreUnavailable extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(operation: string, cause?: unknown) {
    // The cause's message only: ioredis errors name the host and port, never the URL's password.
    super(`the shared state store is unreachable (${operation})`, { cause });
    this.name = 'StoreUnavailable';
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailable {
  return error instanceof StoreUnavailable;
}
