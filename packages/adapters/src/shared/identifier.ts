/** Checks a table prefix or schema name before it is spliced into SQL. */
export function checkIdentifier(value: string, what: string, allowEmpty: boolean): string {
  if ((allowEmpty && value === '') || /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(value)) return value
  throw new TypeError(
    `${what} ${JSON.stringify(value)} is not a plain SQL identifier: use letters, digits and underscores.`,
  )
}
