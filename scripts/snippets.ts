/**
 * Keeps the TypeScript samples of the docs compiled and tested: every ```ts block in README.md
 * and docs/**.md must be preceded by `<!-- snippet: path/to/file.ts#region -->` and equal that
 * region of a type-checked file. `tsx scripts/snippets.ts --write` refreshes the blocks;
 * `docs/snippets.test.ts` fails when one is stale or has no source.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** A fault found in a markdown file. */
export interface SnippetFault {
  file: string
  line: number
  message: string
}

const MARKER = /^<!-- snippet: ([^#\s]+)(?:#([\w+-]+))? -->$/

/** The markdown files whose samples are checked. */
export function markdownFiles(): string[] {
  const out = [join(ROOT, 'README.md')]
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.md')) out.push(p)
    }
  }
  walk(join(ROOT, 'docs'))
  return out
}

/** The text of `// #region name` … `// #endregion` in a file (the whole file without a name), dedented. */
export function region(file: string, name: string | undefined): string {
  const text = readFileSync(join(ROOT, file), 'utf8')
  if (!name) return text.trimEnd()
  const lines = text.split('\n')
  const start = lines.findIndex((l) => l.trim() === `// #region ${name}`)
  if (start < 0) throw new Error(`no region "${name}" in ${file}`)
  const end = lines.findIndex((l, i) => i > start && l.trim() === `// #endregion ${name}`)
  if (end < 0) throw new Error(`region "${name}" in ${file} has no #endregion`)
  const body = lines.slice(start + 1, end)
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length))
  return body
    .map((l) => l.slice(indent))
    .join('\n')
    .trimEnd()
}

/** Checks (or, with `write`, refreshes) the samples of one markdown file. */
export function processFile(path: string, write: boolean): SnippetFault[] {
  const faults: SnippetFault[] = []
  const lines = readFileSync(path, 'utf8').split('\n')
  const out: string[] = []
  const file = relative(ROOT, path)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (/^```(ts|typescript)\s*$/.test(line)) {
      const close = lines.findIndex((l, j) => j > i && l.startsWith('```'))
      const marker = MARKER.exec(out.at(-1)?.trim() ?? '')
      const current = lines.slice(i + 1, close).join('\n')
      if (!marker) {
        faults.push({
          file,
          line: i + 1,
          message: 'a ts sample needs a <!-- snippet: file.ts#region --> line above it',
        })
        out.push(...lines.slice(i, close + 1))
      } else {
        let source: string
        try {
          // `file.ts#a+b` joins regions a and b (imports, then the body).
          source = (marker[2]?.split('+') ?? [undefined]).map((r) => region(marker[1]!, r)).join('\n\n')
        } catch (e) {
          faults.push({ file, line: i + 1, message: (e as Error).message })
          source = current
        }
        if (source !== current && !write)
          faults.push({ file, line: i + 1, message: `out of date with ${marker[1]}#${marker[2] ?? ''}` })
        out.push(line, ...source.split('\n'), lines[close]!)
      }
      i = close
      continue
    }
    out.push(line)
  }
  if (write) writeFileSync(path, out.join('\n'))
  return faults
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const write = process.argv.includes('--write')
  const faults = markdownFiles().flatMap((f) => processFile(f, write))
  for (const f of faults) console.error(`${f.file}:${f.line}: ${f.message}`)
  process.exitCode = faults.length ? 1 : 0
}
