/** A plain-text table: left-aligned text columns, right-aligned number columns. */

/** One column of {@link formatTable}. */
export interface Column {
  readonly title: string
  /** @default 'left' */
  readonly align?: 'left' | 'right'
}

/** Formats rows under a header, columns separated by two spaces. */
export function formatTable(columns: readonly Column[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? ''
        const width = widths[i] ?? 0
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join('\n')
}
