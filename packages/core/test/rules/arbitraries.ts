/** fast-check generators of rule files and facts shared by the rules property tests. */
import fc from 'fast-check'
import { checkOperatorValue, createOperatorRegistry, resolveOperator } from '../../src/rules/operators'
import type { Condition, RuleSet, TopLevelCondition } from '../../src/rules/types'

export const FACTS = ['a', 'b', 'c', 'toString'] as const
export const PATHS = [
  '$.x',
  '$.y',
  '$.arr[0]',
  '$.arr[*]',
  '$[0]',
  '$',
  "$['x']",
  '$.x.y',
  '$.length',
  '$.o.x',
  '$[*].x',
]
const BASE_OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
]
const PREFIXES = [
  '',
  '',
  '',
  'not:',
  'someFact:',
  'everyFact:',
  'someValue:',
  'everyValue:',
  'swap:',
  'everyFact:not:',
]

const scalar = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('x', 'y', 'ab', '', '1', '2.5'),
  fc.boolean(),
  fc.constant(null),
)
const shallow = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))

/** A fact value: scalars, arrays, nested objects. */
export const factValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: shallow },
  fc.record(
    {
      x: shallow,
      y: fc.record({ y: scalar }),
      arr: fc.array(shallow, { maxLength: 3 }),
      o: fc.record({ x: scalar }),
    },
    { requiredKeys: [] },
  ),
  fc.array(fc.record({ x: scalar }, { requiredKeys: [] }), { maxLength: 3 }),
)

/** A facts object where any fact may be missing. */
export const facts = fc.record(
  { a: factValue, b: factValue, c: factValue, toString: factValue },
  { requiredKeys: [] },
) as fc.Arbitrary<Record<string, unknown>>

const registry = createOperatorRegistry()

const leaf: fc.Arbitrary<Condition> = fc
  .record({
    fact: fc.constantFrom(...FACTS),
    operator: fc
      .tuple(fc.constantFrom(...PREFIXES), fc.constantFrom(...BASE_OPERATORS))
      .map(([p, o]) => p + o),
    value: fc.oneof(
      { weight: 4, arbitrary: shallow },
      fc.record(
        { fact: fc.constantFrom(...FACTS), path: fc.constantFrom(...PATHS) },
        { requiredKeys: ['fact'] },
      ),
    ),
    path: fc.option(fc.constantFrom(...PATHS), { nil: undefined }),
    priority: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  })
  .map((c) => {
    const resolved = resolveOperator(registry, c.operator)!
    const isRef = typeof c.value === 'object' && c.value !== null && !Array.isArray(c.value)
    // keep the file valid: a literal the operator refuses becomes a value it accepts
    let value: unknown = c.value
    let operator = c.operator
    if (!isRef && checkOperatorValue(registry, resolved, value)) {
      value = checkOperatorValue(registry, resolved, [1, 'x']) ? 1 : [1, 'x']
      if (checkOperatorValue(registry, resolved, value)) value = [[1]]
      if (checkOperatorValue(registry, resolved, value)) operator = 'equal'
    }
    const out: Record<string, unknown> = { fact: c.fact, operator, value }
    if (c.path !== undefined) out.path = c.path
    if (c.priority !== undefined) out.priority = c.priority
    return out as unknown as Condition
  })

function tree(refs: number): fc.Arbitrary<TopLevelCondition> {
  const { node } = fc.letrec<{ node: Condition; bool: TopLevelCondition }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 5, arbitrary: leaf },
      { weight: 2, arbitrary: tie('bool') },
    ),
    bool: fc
      .oneof(
        { depthSize: 'small' },
        fc.record({
          all: fc.array(tie('node'), { maxLength: 3 }),
          priority: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        }),
        fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ not: tie('node') }),
        ...(refs > 0 ? [fc.integer({ min: 0, max: refs - 1 }).map((i) => ({ condition: `named${i}` }))] : []),
      )
      .map((c) => {
        const o = { ...(c as Record<string, unknown>) }
        if (o.priority === undefined) delete o.priority
        return o as unknown as TopLevelCondition
      }),
  }))
  return fc.oneof(
    fc.record({ all: fc.array(node, { maxLength: 4 }) }),
    fc.record({ any: fc.array(node, { maxLength: 4 }) }),
    fc.record({ not: node }),
    ...(refs > 0 ? [fc.integer({ min: 0, max: refs - 1 }).map((i) => ({ condition: `named${i}` }))] : []),
  ) as fc.Arbitrary<TopLevelCondition>
}

/** A valid rule file: 1–5 rules, 0–2 named conditions (each may refer only to earlier ones, so no cycles). */
export const ruleSet: fc.Arbitrary<RuleSet> = fc.integer({ min: 0, max: 2 }).chain((namedCount) =>
  fc
    .record({
      named: fc.tuple(...Array.from({ length: namedCount }, (_, i) => tree(i))),
      rules: fc.array(
        fc.record({
          conditions: tree(namedCount),
          priority: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          params: fc.option(fc.record({ n: fc.integer() }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    })
    .map(({ named, rules }) => {
      const set: RuleSet = {
        rules: rules.map((r, i) => ({
          conditions: r.conditions,
          event: r.params ? { type: `r${i}`, params: r.params } : { type: `r${i}` },
          ...(r.priority === undefined ? {} : { priority: r.priority }),
        })),
      }
      if (namedCount > 0) set.conditions = Object.fromEntries(named.map((c, i) => [`named${i}`, c]))
      return set
    }),
)
