import { describe, expect, it } from 'vitest'
import { markdownFiles, processFile } from '../scripts/snippets'

describe('documentation samples', () => {
  it('are all taken from type-checked files, and up to date (fix: pnpm docs:snippets)', () => {
    const faults = markdownFiles().flatMap((f) => processFile(f, false))
    expect(faults.map((f) => `${f.file}:${f.line}: ${f.message}`)).toEqual([])
  })
})
