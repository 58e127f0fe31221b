/**
 * A FIFO async lock: one holder at a time. The memory store runs its transactions through one;
 * stores on a single connection (SQLite) can do the same.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()

  /** Runs `fn` once every earlier holder has finished. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn)
    // The next holder waits for this one to settle, whatever the outcome.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}
