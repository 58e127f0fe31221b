import { describe, expect, it } from 'vitest'
import { ParleyError } from '../../src/errors/parley-error'
import { type CustomerProfile, createSegmenter, type GroupsFile, resolveDate } from '../../src/rules/index'
import { manualClock } from '../../src/time/clock'

const DAY = 86_400_000
const now = Date.UTC(2026, 2, 15, 14, 30)

const file: GroupsFile = {
  groups: [
    {
      id: 'vip',
      name: 'VIP',
      description: 'Spent 1000+ and ordered in the last 90 days',
      priority: 10,
      conditions: {
        all: [
          { fact: 'amountSpent', operator: 'greaterThanInclusive', value: 1000 },
          { fact: 'lastOrderDate', operator: 'dateAfter', value: '-90d' },
        ],
      },
    },
    {
      id: 'lapsed',
      name: 'Lapsed',
      conditions: {
        all: [
          { fact: 'numberOfOrders', operator: 'greaterThan', value: 0 },
          { fact: 'lastOrderDate', operator: 'dateBefore', value: '-180d' },
        ],
      },
    },
    {
      id: 'newsletter-fr',
      name: 'French subscribers',
      conditions: {
        all: [
          { fact: 'emailSubscription', operator: 'equal', value: 'subscribed' },
          { fact: 'countries', operator: 'contains', value: 'FR' },
          { not: { fact: 'tags', operator: 'contains', value: 'do-not-contact' } },
        ],
      },
    },
    {
      id: 'tea-lovers',
      name: 'Bought tea',
      conditions: {
        any: [{ fact: 'productsPurchased', operator: 'someFact:in', value: ['tea-1', 'tea-2'] }],
      },
    },
    {
      id: 'first-order-this-year',
      name: 'New this year',
      conditions: { all: [{ fact: 'firstOrderDate', operator: 'dateOnOrAfter', value: '2026-01-01' }] },
    },
  ],
}

const ada: CustomerProfile = {
  id: 'c1',
  amountSpent: 1500,
  numberOfOrders: 4,
  firstOrderDate: '2026-01-10T10:00:00Z',
  lastOrderDate: now - 10 * DAY,
  tags: ['newsletter'],
  countries: ['FR'],
  emailSubscription: 'subscribed',
  productsPurchased: ['tea-2', 'mug'],
}

describe('createSegmenter', () => {
  it('lists a customer groups, highest priority first', () => {
    const s = createSegmenter(file, { clock: manualClock(now) })
    expect(s.groupsOf(ada)).toEqual(['vip', 'newsletter-fr', 'tea-lovers', 'first-order-this-year'])
    expect(s.groupsOf({ id: 'c2', numberOfOrders: 1, lastOrderDate: new Date(now - 200 * DAY) })).toEqual([
      'lapsed',
    ])
  })

  it('resolves relative dates against the injected clock', () => {
    const clock = manualClock(now)
    const s = createSegmenter(file, { clock })
    expect(s.groupsOf(ada)).toContain('vip')
    clock.advance(81 * DAY)
    expect(s.groupsOf(ada)).not.toContain('vip')
  })

  it('counts day offsets from the start of today, in UTC', () => {
    expect(resolveDate('today', now)).toBe(Date.UTC(2026, 2, 15))
    expect(resolveDate('-30d', now)).toBe(Date.UTC(2026, 1, 13))
    expect(resolveDate('-1m', now)).toBe(Date.UTC(2026, 1, 15))
    expect(resolveDate('+1y', now)).toBe(Date.UTC(2027, 2, 15))
    expect(resolveDate('-12h', now)).toBe(now - 12 * 3_600_000)
    expect(resolveDate('2026-01-31', now)).toBe(Date.UTC(2026, 0, 31))
    expect(resolveDate('yesterday-ish', now)).toBeUndefined()
  })

  it('treats missing facts as absent, so a customer without orders is in no order-based group', () => {
    const s = createSegmenter(file, { clock: manualClock(now) })
    expect(s.groupsOf({ id: 'c3' })).toEqual([])
  })

  it('explains each condition of a group with the value found and its verdict', () => {
    const s = createSegmenter(file, { clock: manualClock(now) })
    const why = s.explain({ ...ada, amountSpent: 200 }, 'vip')
    expect(why).toMatchObject({ groupId: 'vip', name: 'VIP', matched: false })
    expect(why.conditions.children).toEqual([
      expect.objectContaining({
        fact: 'amountSpent',
        factValue: 200,
        value: 1000,
        result: false,
        at: ['groups', 0, 'conditions', 'all', 0],
      }),
      expect.objectContaining({ fact: 'lastOrderDate', result: undefined }),
    ])
    expect(() => s.explain(ada, 'nope')).toThrow(/no group "nope"/)
  })

  it('segments an async stream and reports progress', async () => {
    const s = createSegmenter(file, { clock: manualClock(now) })
    async function* customers() {
      for (let i = 0; i < 25; i++) yield { ...ada, id: `c${i}`, amountSpent: i * 100 }
    }
    const progress: number[] = []
    const seen: string[][] = []
    for await (const { groups } of s.segmentMany(customers(), {
      progressEvery: 10,
      onProgress: (p) => progress.push(p.processed),
    })) {
      seen.push(groups)
    }
    expect(seen).toHaveLength(25)
    expect(seen.filter((g) => g.includes('vip'))).toHaveLength(15)
    expect(progress).toEqual([10, 20, 25])
  })

  it('refuses a file with unknown facts, duplicate ids and bad date values, with paths', () => {
    try {
      createSegmenter({
        groups: [
          {
            id: 'a',
            name: 'A',
            conditions: { all: [{ fact: 'amountSpnt', operator: 'greaterThan', value: 1 }] },
          },
          {
            id: 'a',
            name: 'B',
            conditions: { all: [{ fact: 'lastOrderDate', operator: 'dateAfter', value: 'last month' }] },
          },
        ],
      })
    } catch (e) {
      expect(ParleyError.is(e, 'RULES_INVALID')).toBe(true)
      expect((e as ParleyError).issues.map((i) => [i.code, i.path.join('.')])).toEqual([
        ['duplicate_id', 'groups.1.id'],
        ['unknown_fact', 'groups.0.conditions.all.0.fact'],
        ['invalid_value', 'groups.1.conditions.all.0.value'],
      ])
      return
    }
    throw new Error('expected RULES_INVALID')
  })

  it('accepts extra facts when declared', () => {
    const s = createSegmenter(
      {
        groups: [
          {
            id: 'b2b',
            name: 'B2B',
            conditions: { all: [{ fact: 'company', operator: 'notEqual', value: null }] },
          },
        ],
      },
      { facts: ['company'] },
    )
    expect(s.groupsOf({ id: 'x', company: 'ACME' })).toEqual(['b2b'])
  })
})

describe('segmentMany with Node streams', () => {
  it('reads an object-mode Readable stream', async () => {
    const { Readable } = await import('node:stream')
    const s = createSegmenter(file, { clock: manualClock(now) })
    const stream = Readable.from([ada, { id: 'c9' }, { ...ada, id: 'c10', countries: ['DE'] }])
    const out: string[][] = []
    for await (const r of s.segmentMany(stream)) out.push(r.groups)
    expect(out).toEqual([
      ['vip', 'newsletter-fr', 'tea-lovers', 'first-order-this-year'],
      [],
      ['vip', 'tea-lovers', 'first-order-this-year'],
    ])
  })

  it('stops when the signal is aborted', async () => {
    const s = createSegmenter(file, { clock: manualClock(now) })
    const controller = new AbortController()
    let n = 0
    for await (const _ of s.segmentMany(
      Array.from({ length: 10 }, (_, i) => ({ ...ada, id: `c${i}` })),
      { signal: controller.signal },
    )) {
      if (++n === 3) controller.abort()
    }
    expect(n).toBe(3)
  })
})
