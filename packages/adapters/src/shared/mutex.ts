/** A FIFO async lock: one holder at a time (the SQLite connection runs one transaction at a time). */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()

  /** Runs `fn` once every earlier holder has settled. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(fn)
    this.tail = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }
}

/** Checks a table prefix or schema name before it is spliced into SQL. */
export function checkIdentifier(value: string, what: string, allowEmpty: boolean): string {
  if ((allowEmpty && value === '') || /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(value)) return value
  throw new TypeError(
    `${what} ${JSON.stringify(value)} is not a plain SQL identifier: use letters, digits and underscores.`,
  )
}
