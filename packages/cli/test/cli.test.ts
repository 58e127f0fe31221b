import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { EXIT_USAGE } from '../src/index'
import { repoRoot, runCli } from './helpers'

describe('parley', () => {
  it('prints the usage on --help and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await runCli(argv)
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('Usage: parley <command> [options]')
      expect(r.stdout).toContain('rules validate <file>')
    }
  })

  it.each([
    [['rules', 'validate', '--help'], 'Usage: parley rules validate <file>'],
    [['rules', 'schema', '-h'], 'Usage: parley rules schema'],
    [['rules', '--help'], 'Usage: parley rules <validate|schema>'],
    [['segment', '--help'], 'Usage: parley segment --groups'],
    [['explain', '--help'], 'Usage: parley explain --groups'],
    [['diagram', '--help'], 'Usage: parley diagram <workflow>'],
    [['help', 'segment'], 'Usage: parley segment --groups'],
    [['help', 'rules', 'validate'], 'Usage: parley rules validate <file>'],
  ])('prints the help of %j and exits 0', async (argv, head) => {
    const r = await runCli(argv)
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith(head)).toBe(true)
  })

  it('exits 2 with the usage on stderr for an unknown command', async () => {
    const r = await runCli(['segmnt'])
    expect(r.code).toBe(EXIT_USAGE)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('parley: unknown command "segmnt"')
    expect(r.stderr).toContain('Usage: parley <command> [options]')
  })

  it('exits 2 without arguments, on an unknown rules command and on an unknown option', async () => {
    expect((await runCli([])).code).toBe(2)
    const rules = await runCli(['rules', 'check'])
    expect(rules.code).toBe(2)
    expect(rules.stderr).toContain('unknown rules command "check"')
    const option = await runCli(['segment', '--group', 'x.json'])
    expect(option.code).toBe(2)
    expect(option.stderr).toContain("parley: Unknown option '--group'")
    expect(option.stderr).toContain('Usage: parley segment')
    expect((await runCli(['help', 'nothing'])).code).toBe(2)
  })

  it('runs as a real process: the bin entry wires argv, the streams and the exit code', async () => {
    const exec = promisify(execFile)
    const tsx = ['tsx', 'packages/cli/src/main.ts']
    const ok = await exec('npx', [...tsx, 'rules', 'validate', 'examples/rules/groups.json'], {
      cwd: repoRoot,
    })
    expect(ok.stdout).toBe(
      'ok: examples/rules/groups.json is a valid customer-groups file (4 groups, 1 named condition)\n',
    )
    const failed = await exec('npx', [...tsx, 'rules', 'validate', 'examples/rules/invalid-groups.json'], {
      cwd: repoRoot,
    }).catch((e: { code: number; stdout: string }) => e)
    expect(failed).toMatchObject({ code: 1, stdout: expect.stringContaining('groups[1].id: ') })
    const usage = await exec('npx', [...tsx, 'frobnicate'], { cwd: repoRoot }).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') })
  })
})

describe('parley command names', () => {
  it.each(['toString', 'constructor', '__proto__'])(
    'treats %s as an unknown command, not an object key',
    async (name) => {
      const r = await runCli([name])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`unknown command "${name}"`)
    },
  )
})
