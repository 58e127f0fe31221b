import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { jsonErrorOffset, parseJson } from '../src/json-file'
import { runCli, sample } from './helpers'

let dir: string
const file = async (name: string, content: string) => {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-cli-rules-'))
})

describe('parley rules validate', () => {
  it.each([
    ['groups.json', 'customer-groups file (4 groups, 1 named condition)'],
    ['moderation.json', 'moderation file (3 rules)'],
    ['routing.json', 'routing file (3 rules)'],
    ['refunds.json', 'rule set (1 rule, 1 named condition)'],
  ])('accepts the sample %s, tells its kind from its keys and exits 0', async (name, summary) => {
    const r = await runCli(['rules', 'validate', `examples/rules/${name}`])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toBe(`ok: examples/rules/${name} is a valid ${summary}\n`)
  })

  it('prints every fault of an invalid file as "path: message", one a line, and exits 1', async () => {
    const r = await runCli(['rules', 'validate', sample('invalid-groups.json')])
    expect(r.code).toBe(1)
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(4)
    expect(lines).toContain('groups[1].id: group id "vip" is already used by groups[0]; ids must be unique')
    expect(
      lines.some((l) =>
        l.startsWith('groups[0].conditions.all[0].operator: unknown operator "greaterThanOrEqual"'),
      ),
    ).toBe(true)
    expect(lines.some((l) => l.startsWith('groups[0].conditions.all[1].value: operator "dateAfter"'))).toBe(
      true,
    )
    expect(lines.some((l) => l.startsWith('groups[1].conditions: the root of "conditions"'))).toBe(true)
    expect(r.stderr).toContain('4 faults in this customer-groups file')
  })

  it('reports a JSON syntax error with its line and column and exits 1', async () => {
    const path = await file('broken.json', '{\n  "rules": [\n    { "conditions": {}, }\n  ]\n}\n')
    const r = await runCli(['rules', 'validate', path])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/broken\.json:3:25: invalid JSON: /)
  })

  it('reports a file it cannot read and exits 1', async () => {
    const r = await runCli(['rules', 'validate', join(dir, 'missing.json')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/missing\.json: cannot read the file \(ENOENT/)
  })

  it('refuses a file whose kind cannot be told and asks for --kind', async () => {
    const r = await runCli(['rules', 'validate', sample('customer.json')])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('cannot tell the kind of rule file')
    expect(r.stderr).toContain('--kind ruleset|groups|moderation|routing')
  })

  it('validates against the kind given by --kind rather than the detected one', async () => {
    // a routing file read as a plain rule set: its rules have "set" but no "event"
    const r = await runCli(['rules', 'validate', sample('routing.json'), '--kind', 'ruleset'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^rules\[0\]\.event: /m)
    expect(r.stdout).toContain('Unrecognized key: "defaults"')
  })

  it('tells moderation and routing files from their rules when the top-level keys do not', async () => {
    const moderation = await file(
      'm.json',
      JSON.stringify({ rules: [{ decision: 'flag', reason: 'x', conditions: { all: [] } }] }),
    )
    const routing = await file(
      'r.json',
      JSON.stringify({ rules: [{ set: { queue: 'q' }, conditions: { all: [] } }] }),
    )
    expect((await runCli(['rules', 'validate', moderation])).stdout).toContain('valid moderation file')
    // detected as routing, and invalid as one: routing files need their "defaults"
    const r = await runCli(['rules', 'validate', routing])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^defaults: /m)
  })

  it('reads the file from stdin when it is "-"', async () => {
    const r = await runCli(['rules', 'validate', '-'], {
      stdinText: JSON.stringify({ rules: [{ conditions: { all: [] }, event: { type: 'x' } }] }),
    })
    expect(r).toMatchObject({ code: 0, stdout: 'ok: - is a valid rule set (1 rule)\n' })
  })

  it('exits 2 with the usage on a missing file argument or an unknown kind', async () => {
    const missing = await runCli(['rules', 'validate'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('missing the file to validate')
    expect(missing.stderr).toContain('Usage: parley rules validate')
    const kind = await runCli(['rules', 'validate', sample('groups.json'), '--kind', 'segments'])
    expect(kind.code).toBe(2)
    expect(kind.stderr).toContain('unknown --kind "segments"')
  })
})

describe('parley rules schema', () => {
  it.each(['ruleset', 'groups', 'moderation', 'routing'])(
    'prints the JSON Schema of a %s file as JSON',
    async (kind) => {
      const r = await runCli(['rules', 'schema', '--kind', kind])
      expect(r.code).toBe(0)
      const schema = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> }
      expect(schema.$schema).toContain('json-schema.org')
      expect(Object.keys(schema.properties)).toContain(kind === 'groups' ? 'groups' : 'rules')
    },
  )

  it('prints the rule-set schema by default', async () => {
    const r = await runCli(['rules', 'schema'])
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> }
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['rules', 'conditions']))
  })
})

describe('JSON error positions', () => {
  it.each([
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['{"a": tru}', 9],
    ['{"a": "x', 8],
    ['', 0],
    ['{"a":1} x', 8],
    ['[1, 2', 5],
    ['{"a": "\\q"}', 8],
    ['{"a": 01}', 7],
  ])('finds the fault of %j at offset %i', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset)
  })

  it('ignores a byte order mark and names file:line:column', () => {
    expect(parseJson('\uFEFF{"a": 1}', 'f.json')).toEqual({ ok: true, value: { a: 1 } })
    const r = parseJson('{\n  "a": 1\n  "b": 2\n}', 'f.json')
    expect(r).toMatchObject({ ok: false })
    expect(!r.ok && r.message).toMatch(/^f\.json:3:3: invalid JSON: /)
  })
})
