import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatConditionTree } from '../src/format/condition-tree'
import { runCli, sample } from './helpers'

const explain = (...extra: string[]) =>
  runCli(['explain', '--groups', sample('groups.json'), '--customer', sample('customer.json'), ...extra])

describe('parley explain', () => {
  it('prints the condition tree of one group with each fact value and verdict', async () => {
    const r = await explain('--group', 'vip')
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toBe(
      [
        'customer "c-1042"',
        '',
        'group vip (VIP): ✓ member',
        '✓ all of',
        '├─ ✓ amountSpent greaterThanInclusive 1000   (amountSpent = 1520.5)',
        '└─ ✓ condition "recentBuyer"',
        '   └─ ✓ all of',
        '      └─ ✓ lastOrderDate dateAfter "-90d"   (lastOrderDate = "2026-11-20")',
        '',
      ].join('\n'),
    )
  })

  it('marks the failing condition ✗ and the conditions an earlier sibling decided ·', async () => {
    const r = await explain()
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('group atRisk (At risk): ✗ not a member')
    expect(r.stdout).toContain('└─ ✗ lastOrderDate dateBefore "-6m"   (lastOrderDate = "2026-11-20")')
    expect(r.stdout).toContain('group frenchNewsletter (French newsletter): ✓ member')
    expect(r.stdout).toContain('│  └─ ✓ countries contains "FR"   (countries = ["FR","BE"])')
    expect(r.stdout).toContain('└─ · tags contains   (not evaluated)')
  })

  it('shows a missing fact as undefined', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-cli-explain-'))
    const customer = join(dir, 'c.json')
    await writeFile(customer, JSON.stringify({ id: 'c2', amountSpent: 50 }))
    const r = await runCli([
      'explain',
      '--groups',
      sample('groups.json'),
      '--customer',
      customer,
      '--group',
      'atRisk',
    ])
    expect(r.stdout).toContain('✗ numberOfOrders greaterThanInclusive 2   (numberOfOrders = undefined)')
    expect(r.stdout).toContain('└─ · lastOrderDate dateBefore   (not evaluated)')
  })

  it('reads the customer from stdin with "-"', async () => {
    const r = await runCli(
      ['explain', '--groups', sample('groups.json'), '--customer', '-', '--group', 'newCustomers'],
      {
        stdinText: '{"id": 7, "firstOrderDate": "2026-11-25"}',
      },
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('customer 7')
    expect(r.stdout).toContain('group newCustomers (New customers): ✓ member')
  })

  it('exits 1 naming the groups when the group does not exist', async () => {
    const r = await explain('--group', 'gold')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('no group "gold"; the groups are: vip, atRisk, newCustomers, frenchNewsletter')
  })

  it('exits 1 when the customer is not a JSON object', async () => {
    const r = await runCli(['explain', '--groups', sample('groups.json'), '--customer', '-'], {
      stdinText: '[1, 2]',
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('expected one customer profile, a JSON object')
  })

  it('exits 2 with its usage when --customer is missing', async () => {
    const r = await runCli(['explain', '--groups', sample('groups.json')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('missing --customer <customer.json>')
  })
})

describe('formatConditionTree', () => {
  it('draws not, names and evaluation errors', () => {
    const text = formatConditionTree({
      kind: 'not',
      at: ['rules', 0, 'conditions'],
      name: 'not banned',
      result: undefined,
      children: [
        {
          kind: 'fact',
          at: ['rules', 0, 'conditions', 'not'],
          fact: 'profile',
          path: '$.tags',
          operator: 'contains',
          value: 'banned',
          factValue: 'oops',
          result: undefined,
          error: 'contains needs an array',
        },
      ],
    })
    expect(text).toBe(
      [
        '· not  — not banned',
        '└─ · profile $.tags contains "banned"   (profile$.tags = "oops")   error: contains needs an array',
      ].join('\n'),
    )
  })
})
