import fc from 'fast-check'
import { Engine } from 'json-rules-engine'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compile, type RuleSet } from '../../src/rules/index'
import { facts, ruleSet } from './arbitraries'

const vip: RuleSet = {
  rules: [
    {
      name: 'big spender',
      conditions: {
        all: [
          { fact: 'amountSpent', operator: 'greaterThanInclusive', value: 500 },
          { fact: 'address', path: '$.country', operator: 'in', value: ['FR', 'BE'] },
        ],
      },
      event: { type: 'vip', params: { discount: 10 } },
    },
    { priority: 5, conditions: { not: { condition: 'hasOrders' } }, event: { type: 'prospect' } },
  ],
  conditions: { hasOrders: { all: [{ fact: 'orders', operator: 'greaterThan', value: 0 }] } },
}

describe('compile', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('runs synchronously and returns events and failure events by priority', () => {
    const rules = compile(vip)
    expect(rules.run({ amountSpent: 900, address: { country: 'FR' }, orders: 0 })).toEqual({
      events: [{ type: 'prospect' }, { type: 'vip', params: { discount: 10 } }],
      failureEvents: [],
    })
    expect(rules.run({ amountSpent: 10, address: { country: 'FR' }, orders: 3 })).toEqual({
      events: [],
      failureEvents: [{ type: 'prospect' }, { type: 'vip', params: { discount: 10 } }],
    })
  })

  it('reports a rule reading a missing fact as not matching, and explain names the fact', () => {
    const rules = compile(vip)
    expect(rules.run({ orders: 1 }).failureEvents.map((e) => e.type)).toEqual(['prospect', 'vip'])
    const [, why] = rules.explain({ orders: 1 })
    expect(why).toMatchObject({ result: false, error: 'Undefined fact: amountSpent', name: 'big spender' })
  })

  it('reads missing facts as undefined with allowUndefinedFacts', () => {
    const rules = compile(vip, { allowUndefinedFacts: true })
    expect(rules.run({}).events).toEqual([{ type: 'prospect' }])
  })

  it('never throws on odd fact shapes and explains why a rule did not match', () => {
    const rules = compile({
      rules: [
        { conditions: { all: [{ fact: 'x', operator: 'lessThan', value: 3 }] }, event: { type: 'small' } },
      ],
    })
    const odd = [Object.create(null), [Object.create(null)], Symbol('s'), () => 1, new Map(), null, undefined]
    for (const x of odd) {
      expect(() => rules.run({ x })).not.toThrow()
      expect(rules.run({ x }).events).toEqual([])
    }
    expect(() => rules.run(null as never)).not.toThrow()
    expect(rules.explain({ x: Object.create(null) })[0]!.error).toMatch(/primitive/)
  })

  it('explains each condition with the fact value found, the operator and the verdict', () => {
    const [vipWhy] = compile(vip)
      .explain({ amountSpent: 900, address: { country: 'DE' }, orders: 1 })
      .filter((r) => r.event.type === 'vip')
    expect(vipWhy!.result).toBe(false)
    expect(vipWhy!.conditions.children).toEqual([
      expect.objectContaining({ fact: 'amountSpent', factValue: 900, value: 500, result: true }),
      expect.objectContaining({ fact: 'address', path: '$.country', factValue: 'DE', result: false }),
    ])
  })

  it('marks conditions skipped by short-circuiting as not evaluated', () => {
    const [why] = compile({
      rules: [
        {
          conditions: {
            any: [
              { fact: 'a', operator: 'equal', value: 1 },
              { fact: 'b', operator: 'equal', value: 1 },
            ],
          },
          event: { type: 'x' },
        },
      ],
    }).explain({ a: 1, b: 1 })
    expect(why!.conditions.children!.map((c) => c.result)).toEqual([true, undefined])
  })

  it('runs custom operators and decorators registered in code', () => {
    const rules = compile(
      {
        rules: [
          {
            conditions: { all: [{ fact: 'sku', operator: 'everyFact:startsWith', value: 'SKU-' }] },
            event: { type: 'ours' },
          },
          { conditions: { all: [{ fact: 'n', operator: 'twice:equal', value: 2 }] }, event: { type: 'two' } },
        ],
      },
      {
        operators: { startsWith: (a, b) => typeof a === 'string' && a.startsWith(String(b)) },
        decorators: { twice: { evaluate: (a, b, next) => next((a as number) * 2, b) } },
      },
    )
    expect(rules.run({ sku: ['SKU-1', 'SKU-2'], n: 1 }).events.map((e) => e.type)).toEqual(['ours', 'two'])
    expect(rules.run({ sku: ['SKU-1', 'X'], n: 2 }).events).toEqual([])
  })

  it('replaces facts in event params when asked, as json-rules-engine does', async () => {
    const set: RuleSet = {
      rules: [
        {
          conditions: { all: [] },
          event: { type: 'hello', params: { who: { fact: 'user', path: '$.name' }, fixed: 1 } },
        },
      ],
    }
    const ours = compile(set, { replaceFactsInEventParams: true }).run({ user: { name: 'Ada' } })
    const engine = new Engine(structuredClone(set.rules) as never, { replaceFactsInEventParams: true })
    const theirs = await engine.run({ user: { name: 'Ada' } })
    expect(ours.events).toEqual(theirs.events)
  })

  it('keeps json-rules-engine quirks: an empty any holds, an empty all holds', () => {
    const rules = compile({
      rules: [
        { conditions: { any: [] }, event: { type: 'any' } },
        { conditions: { all: [] }, event: { type: 'all' } },
      ],
    })
    expect(rules.run({}).events.map((e) => e.type)).toEqual(['any', 'all'])
  })

  it('orders events of one priority by file order (json-rules-engine: by promise settlement)', async () => {
    // regression guard for the documented difference: the deeper rule settles later in json-rules-engine
    const set: RuleSet = {
      rules: [
        {
          conditions: { all: [{ all: [{ all: [{ fact: 'a', operator: 'equal', value: 1 }] }] }] },
          event: { type: 'deep' },
        },
        { conditions: { all: [] }, event: { type: 'shallow' } },
      ],
    }
    const theirs = await new Engine(structuredClone(set.rules) as never).run({ a: 1 })
    expect(theirs.events.map((e) => e.type)).toEqual(['shallow', 'deep'])
    expect(
      compile(set)
        .run({ a: 1 })
        .events.map((e) => e.type),
    ).toEqual(['deep', 'shallow'])
  })

  it('falls back to closures when the host forbids new Function, with the same results', () => {
    vi.stubGlobal('Function', () => {
      throw new EvalError('Code generation from strings disallowed for this context')
    })
    const rules = compile(vip)
    expect(rules.mode).toBe('closures')
    expect(rules.run({ amountSpent: 900, address: { country: 'BE' }, orders: 2 }).events).toEqual([
      { type: 'vip', params: { discount: 10 } },
    ])
  })

  it('uses generated code by default and closures with codegen: false', () => {
    expect(compile(vip).mode).toBe('codegen')
    expect(compile(vip, { codegen: false }).mode).toBe('closures')
  })

  it('gives the same results with generated code and with closures', () => {
    fc.assert(
      fc.property(
        ruleSet,
        fc.array(facts, { maxLength: 5 }),
        fc.boolean(),
        (set, inputs, allowUndefinedFacts) => {
          const a = compile(set, { allowUndefinedFacts })
          const b = compile(set, { allowUndefinedFacts, codegen: false })
          for (const input of inputs) expect(a.run(input)).toEqual(b.run(input))
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('generated code', () => {
  const hostile = [
    "'); globalThis.__pwned = 1; ('",
    '"); globalThis.__pwned = 1; ("',
    '`; globalThis.__pwned = 1; `',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal injection attempt
    '${globalThis.__pwned = 1}',
    '*/ globalThis.__pwned = 1; /*',
    '\u2028globalThis.__pwned = 1\u2029',
    '\\"); globalThis.__pwned = 1; //',
    '}); globalThis.__pwned = 1; (function(){',
    '</script><script>globalThis.__pwned = 1</script>',
  ]
  const text = fc.oneof(fc.constantFrom(...hostile), fc.string(), fc.string({ unit: 'binary' }))

  it('never lets a string from the rule file reach the generated source (fuzz)', () => {
    fc.assert(
      fc.property(text, text, text, text, fc.jsonValue(), (fact, type, name, key, value) => {
        const set = {
          rules: [
            {
              name,
              conditions: {
                any: [
                  { fact: fact || 'f', operator: 'equal', value, name },
                  { fact: fact || 'f', operator: 'in', value: [value, key] },
                  {
                    fact: 'o',
                    path: `$['${key.replace(/[^A-Za-z0-9_ -]/g, '')}']`,
                    operator: 'equal',
                    value: key,
                  },
                  { condition: name || 'n' },
                ],
              },
              event: { type: type || 't', params: { [key]: value } },
            },
          ],
          conditions: { [name || 'n']: { all: [{ fact: key || 'k', operator: 'notEqual', value: type }] } },
        }
        let rules: ReturnType<typeof compile>
        try {
          rules = compile(set as never)
        } catch (e) {
          // forbidden names are refused at validation; anything else must compile
          expect((e as Error).message).toMatch(/forbidden/)
          return
        }
        expect(rules.mode).toBe('codegen')
        const input = { [fact || 'f']: value, o: { [key]: key }, [key || 'k']: type }
        expect(rules.run(input)).toEqual(compile(set as never, { codegen: false }).run(input))
        expect((globalThis as Record<string, unknown>).__pwned).toBeUndefined()
      }),
      { numRuns: 500 },
    )
  })
})

describe('allowUndefinedConditions', () => {
  it('evaluates a reference to a missing condition as false, as json-rules-engine does', async () => {
    const set: RuleSet = {
      rules: [
        { conditions: { not: { condition: 'missing' } }, event: { type: 'a' } },
        { conditions: { any: [{ condition: 'missing' }] }, event: { type: 'b' } },
      ],
    }
    const engine = new Engine(structuredClone(set.rules) as never, { allowUndefinedConditions: true })
    const theirs = await engine.run({})
    const ours = compile(set, { allowUndefinedConditions: true }).run({})
    expect(ours).toEqual({ events: theirs.events, failureEvents: theirs.failureEvents })
    expect(ours.events).toEqual([{ type: 'a' }])
  })
})

describe('fact objects', () => {
  it('reads facts the same way with generated code, closures and explain, whatever the object', () => {
    class Customer {
      constructor(readonly own: number) {}
      get computed() {
        return 7
      }
    }
    const inherited = Object.assign(Object.create({ fromProto: 3 }), { own: 1 })
    const set: RuleSet = {
      rules: ['own', 'computed', 'fromProto', 'toString', 'valueOf'].map((fact) => ({
        conditions: { all: [{ fact, operator: 'notEqual', value: null }] },
        event: { type: fact },
      })),
    }
    for (const facts of [new Customer(1), inherited, { own: 1, toString: 'mine' }]) {
      const a = compile(set).run(facts as never)
      const b = compile(set, { codegen: false }).run(facts as never)
      expect(a).toEqual(b)
      const explained = compile(set)
        .explain(facts as never)
        .filter((r) => r.result)
        .map((r) => r.event.type)
      expect(explained).toEqual(a.events.map((e) => e.type))
    }
    expect(
      compile(set)
        .run(new Customer(1) as never)
        .events.map((e) => e.type),
    ).toEqual(['own', 'computed'])
  })
})

describe('custom operator results', () => {
  it('count a non-boolean result as not matching (json-rules-engine may accept a truthy one)', () => {
    const rules = compile(
      {
        rules: [{ conditions: { all: [{ fact: 'x', operator: 'truthy', value: 1 }] }, event: { type: 't' } }],
      },
      { operators: { truthy: (() => 'yes') as never } },
    )
    expect(rules.run({ x: 1 }).events).toEqual([])
  })
})
