/**
 * Segmentation bench: 50 customer groups with realistic conditions over 100,000 generated customers.
 *
 *   npx tsx bench/segmentation.ts [customers] [jreCustomers]
 *
 * Times json-rules-engine (one engine with the 50 groups as rules, reused, `run` per customer), Parley's
 * compiled segmenter (generated code, and closures), and the same groups hand-written as plain JS
 * predicates (the limit). json-rules-engine is measured on a subset (it runs ~1,000× slower); every
 * evaluator's groups are checked equal on every customer it ran.
 */
import { Engine } from 'json-rules-engine'
import {
  type CustomerProfile,
  createSegmenter,
  dateOperators,
  type GroupsFile,
} from '../packages/core/src/rules/index'
import type { Condition } from '../packages/core/src/rules/types'

const N = Number(process.argv[2] ?? 100_000)
const JRE_N = Math.min(N, Number(process.argv[3] ?? 10_000))
const NOW = Date.UTC(2026, 5, 15, 12)
const DAY = 86_400_000
const TODAY = Math.floor(NOW / DAY) * DAY
const clock = { now: () => NOW }

// --- data ------------------------------------------------------------------------------------------
let seed = 42
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff
  return seed / 0x7fffffff
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
const COUNTRIES = ['FR', 'BE', 'CH', 'DE', 'ES', 'IT', 'GB', 'US', 'CA', 'NL']
const TAGS = ['newsletter', 'wholesale', 'vip', 'do-not-contact', 'returns', 'influencer', 'b2b', 'gift']
const PRODUCTS = Array.from({ length: 60 }, (_, i) => `p${i}`)
const LOCALES = ['fr-FR', 'fr-BE', 'fr-CA', 'en-GB', 'en-US', 'de-DE', 'es-ES', 'it-IT']
const SUBSCRIPTION = ['subscribed', 'not_subscribed', 'pending', 'unsubscribed'] as const

function customer(i: number): CustomerProfile {
  const orders = rand() < 0.2 ? 0 : Math.floor(rand() ** 2 * 40) + 1
  const first = orders ? NOW - Math.floor(rand() * 1500) * DAY : null
  const last = first === null ? null : Math.min(NOW, first + Math.floor(rand() * 1500) * DAY)
  const bought = new Set<string>()
  for (let k = 0; k < Math.min(orders, 8); k++) bought.add(pick(PRODUCTS))
  const tags = new Set<string>()
  for (let k = Math.floor(rand() * 3); k > 0; k--) tags.add(pick(TAGS))
  return {
    id: `c${i}`,
    email: `c${i}@example.com`,
    amountSpent: orders ? Math.round(orders * (20 + rand() * 180)) : 0,
    numberOfOrders: orders,
    firstOrderDate: first,
    lastOrderDate: last,
    createdAt: NOW - Math.floor(rand() * 2000) * DAY,
    tags: [...tags],
    countries: rand() < 0.1 ? [pick(COUNTRIES), pick(COUNTRIES)] : [pick(COUNTRIES)],
    emailSubscription: pick(SUBSCRIPTION),
    productsPurchased: [...bought],
    locale: pick(LOCALES),
  }
}

// --- 50 groups: 10 templates x 5 parameter sets, each as JSON and as a hand-written predicate -------
type C = CustomerProfile & {
  amountSpent: number
  numberOfOrders: number
  tags: string[]
  countries: string[]
}
type Template = (v: number) => { conditions: Condition; predicate: (c: C) => boolean }
const num = (x: unknown): x is number => typeof x === 'number'

const templates: Template[] = [
  (v) => {
    const min = [100, 250, 500, 1000, 2500][v]!
    return {
      conditions: { fact: 'amountSpent', operator: 'greaterThanInclusive', value: min },
      predicate: (c) => c.amountSpent >= min,
    }
  },
  (v) => {
    const [n, days] = [
      [2, 30],
      [3, 60],
      [5, 90],
      [10, 180],
      [20, 365],
    ][v]! as [number, number]
    return {
      conditions: {
        all: [
          { fact: 'numberOfOrders', operator: 'greaterThanInclusive', value: n },
          { fact: 'lastOrderDate', operator: 'dateAfter', value: `-${days}d` },
        ],
      },
      predicate: (c) => c.numberOfOrders >= n && num(c.lastOrderDate) && c.lastOrderDate > TODAY - days * DAY,
    }
  },
  (v) => {
    const country = ['FR', 'BE', 'CH', 'DE', 'US'][v]!
    return {
      conditions: {
        all: [
          { fact: 'countries', operator: 'contains', value: country },
          { fact: 'emailSubscription', operator: 'equal', value: 'subscribed' },
        ],
      },
      predicate: (c) => c.countries.includes(country) && c.emailSubscription === 'subscribed',
    }
  },
  (v) => {
    const tag = ['newsletter', 'wholesale', 'vip', 'influencer', 'b2b'][v]!
    return {
      conditions: {
        all: [
          { fact: 'tags', operator: 'contains', value: tag },
          { not: { fact: 'tags', operator: 'contains', value: 'do-not-contact' } },
        ],
      },
      predicate: (c) => c.tags.includes(tag) && !c.tags.includes('do-not-contact'),
    }
  },
  (v) => {
    const products = PRODUCTS.slice(v * 4, v * 4 + 4)
    return {
      conditions: { fact: 'productsPurchased', operator: 'someFact:in', value: products },
      predicate: (c) => (c.productsPurchased as string[]).some((p) => products.includes(p)),
    }
  },
  (v) => {
    const [spent, orders] = [
      [3000, 25],
      [2000, 15],
      [1500, 12],
      [800, 8],
      [400, 5],
    ][v]! as [number, number]
    return {
      conditions: {
        any: [
          { fact: 'amountSpent', operator: 'greaterThan', value: spent },
          { fact: 'numberOfOrders', operator: 'greaterThan', value: orders },
        ],
      },
      predicate: (c) => c.amountSpent > spent || c.numberOfOrders > orders,
    }
  },
  (v) => {
    const days = [120, 180, 270, 365, 730][v]!
    return {
      conditions: {
        all: [
          { fact: 'numberOfOrders', operator: 'greaterThan', value: 0 },
          { fact: 'lastOrderDate', operator: 'dateBefore', value: `-${days}d` },
        ],
      },
      predicate: (c) => c.numberOfOrders > 0 && num(c.lastOrderDate) && c.lastOrderDate < TODAY - days * DAY,
    }
  },
  (v) => {
    const days = [7, 14, 30, 60, 90][v]!
    return {
      conditions: { fact: 'firstOrderDate', operator: 'dateOnOrAfter', value: `-${days}d` },
      predicate: (c) => num(c.firstOrderDate) && c.firstOrderDate >= TODAY - days * DAY,
    }
  },
  (v) => {
    const locales = [
      ['fr-FR', 'fr-BE', 'fr-CA'],
      ['en-GB', 'en-US'],
      ['de-DE'],
      ['es-ES', 'it-IT'],
      ['fr-CA', 'en-US'],
    ][v]!
    return {
      conditions: {
        all: [
          { fact: 'locale', operator: 'in', value: locales },
          { fact: 'emailSubscription', operator: 'notEqual', value: 'unsubscribed' },
        ],
      },
      predicate: (c) => locales.includes(c.locale as string) && c.emailSubscription !== 'unsubscribed',
    }
  },
  (v) => {
    const eu = ['FR', 'BE', 'DE', 'ES', 'IT', 'NL']
    const [lo, hi] = [
      [0, 100],
      [100, 300],
      [300, 700],
      [700, 1500],
      [1500, 1e9],
    ][v]! as [number, number]
    return {
      conditions: {
        all: [
          { fact: 'countries', operator: 'someFact:in', value: eu },
          { fact: 'amountSpent', operator: 'greaterThanInclusive', value: lo },
          { fact: 'amountSpent', operator: 'lessThan', value: hi },
          {
            any: [
              { fact: 'tags', operator: 'contains', value: 'b2b' },
              { fact: 'numberOfOrders', operator: 'greaterThan', value: 1 },
            ],
          },
        ],
      },
      predicate: (c) =>
        c.countries.some((x) => eu.includes(x)) &&
        c.amountSpent >= lo &&
        c.amountSpent < hi &&
        (c.tags.includes('b2b') || c.numberOfOrders > 1),
    }
  },
]

const file: GroupsFile = { groups: [] }
const predicates: Array<{ id: string; test: (c: C) => boolean }> = []
templates.forEach((t, ti) => {
  for (let v = 0; v < 5; v++) {
    const { conditions, predicate } = t(v)
    const id = `g${ti}-${v}`
    const root =
      'all' in conditions || 'any' in conditions || 'not' in conditions ? conditions : { all: [conditions] }
    file.groups.push({ id, name: `Group ${id}`, conditions: root as never })
    predicates.push({ id, test: predicate })
  }
})

// --- run ---------------------------------------------------------------------------------------------
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
const customers = Array.from({ length: N }, (_, i) => customer(i))
const key = (groups: readonly string[]) => [...groups].sort().join(',')

// best of three: the machine is shared, so a single run measures the neighbours as much as the code
function time<T>(label: string, count: number, fn: () => T): { result: T; perSecond: number } {
  let s = Number.POSITIVE_INFINITY
  let result: T | undefined
  for (let round = 0; round < 3; round++) {
    const start = performance.now()
    result = fn()
    s = Math.min(s, (performance.now() - start) / 1000)
  }
  const perSecond = count / s
  console.log(
    `${label.padEnd(42)} ${fmt(perSecond).padStart(12)} customers/s  (${count} in ${s.toFixed(2)} s, best of 3)`,
  )
  return { result: result as T, perSecond }
}

async function main() {
  console.log(`50 groups, ${fmt(N)} customers; json-rules-engine on the first ${fmt(JRE_N)}\n`)
  const segmenter = createSegmenter(file, { clock })
  const closures = createSegmenter(file, { clock, codegen: false })

  // warm-up, so the JIT has seen every evaluator before it is timed
  for (let i = 0; i < Math.min(N, 5_000); i++) {
    segmenter.groupsOf(customers[i]!)
    closures.groupsOf(customers[i]!)
    predicates.filter((p) => p.test(customers[i] as C))
  }

  const hand = time('hand-written predicates', N, () =>
    customers.map((c) => {
      const out: string[] = []
      for (let g = 0; g < predicates.length; g++) if (predicates[g]!.test(c as C)) out.push(predicates[g]!.id)
      return out
    }),
  )
  const compiled = time('Parley compiled (generated code)', N, () =>
    customers.map((c) => segmenter.groupsOf(c)),
  )
  const closure = time('Parley compiled (closures, no codegen)', N, () =>
    customers.map((c) => closures.groupsOf(c)),
  )

  const engine = new Engine([], { allowUndefinedFacts: true })
  for (const [name, op] of Object.entries(dateOperators(clock)))
    engine.addOperator(name, op.evaluate as never)
  file.groups.forEach((g) => {
    engine.addRule({ conditions: structuredClone(g.conditions) as never, event: { type: g.id } })
  })
  for (let i = 0; i < Math.min(JRE_N, 500); i++) await engine.run(customers[i] as never) // warm-up
  const jreStart = performance.now()
  const jreResults: string[][] = []
  for (let i = 0; i < JRE_N; i++) {
    const { events } = await engine.run(customers[i] as never)
    jreResults.push(events.map((e) => e.type))
  }
  const jreSeconds = (performance.now() - jreStart) / 1000
  const jrePerSecond = JRE_N / jreSeconds
  console.log(
    `${'json-rules-engine (one engine, run each)'.padEnd(42)} ${fmt(jrePerSecond).padStart(12)} customers/s  (${JRE_N} in ${jreSeconds.toFixed(2)} s, subset)`,
  )

  let mismatches = 0
  let members = 0
  for (let i = 0; i < N; i++) {
    const h = key(hand.result[i]!)
    members += hand.result[i]!.length
    if (key(compiled.result[i]!) !== h || key(closure.result[i]!) !== h) mismatches++
    if (i < JRE_N && key(jreResults[i]!) !== h) mismatches++
  }
  console.log(`\ncompiled / json-rules-engine: ${fmt(compiled.perSecond / jrePerSecond)}×`)
  console.log(`closures / json-rules-engine: ${fmt(closure.perSecond / jrePerSecond)}×`)
  console.log(`compiled / hand-written:      ${((compiled.perSecond / hand.perSecond) * 100).toFixed(0)}%`)
  console.log(`closures / hand-written:      ${((closure.perSecond / hand.perSecond) * 100).toFixed(0)}%`)
  console.log(`average groups per customer:  ${(members / N).toFixed(2)}`)
  console.log(`peak RSS:                     ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
  console.log(
    `results equal on every customer: ${mismatches === 0 ? 'yes' : `NO (${mismatches} mismatches)`}`,
  )
  if (mismatches > 0) process.exitCode = 1
}

void main()
