import { readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from './helpers'

const doc = readFileSync(fileURLToPath(new URL('../../../docs/cli.md', import.meta.url)), 'utf8')
const blocks = (lang: string) =>
  [...doc.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\`\\n`, 'g'))].map((m) => m[1]!)

describe('docs/cli.md', () => {
  const consoles = blocks('console')

  it('has console examples to check', () => {
    expect(consoles.length).toBeGreaterThanOrEqual(5)
  })

  for (const block of consoles) {
    const [command = '', ...output] = block.split('\n')
    it(`shows what "${command}" prints`, async () => {
      expect(command.startsWith('$ parley ')).toBe(true)
      const argv = command.slice('$ parley '.length).split(' ')
      // outputs go to a temporary directory, not into the repository
      const out = argv.indexOf('--out')
      if (out >= 0) argv[out + 1] = join(await mkdtemp(join(tmpdir(), 'parley-cli-docs-')), argv[out + 1]!)
      const r = await runCli(argv, { interleaved: true })
      expect(r.stdout).toBe(output.join('\n'))
    })
  }

  it('shows the run() example exactly as the tested code in api.test.ts', () => {
    const source = readFileSync(fileURLToPath(new URL('./api.test.ts', import.meta.url)), 'utf8')
    const region = /\/\/ #region docs-run\n([\s\S]*?)\n\s*\/\/ #endregion docs-run/.exec(source)![1]!
    const dedented = region
      .split('\n')
      .map((l) => l.replace(/^ {4}/, ''))
      .join('\n')
    expect(blocks('ts')).toContain(`${dedented}\n`)
  })
})
