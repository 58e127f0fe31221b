import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ParleyError } from '../../src/errors/parley-error'
import { compile } from '../../src/rules/compile'
import { createModerator } from '../../src/rules/moderation'
import { createRouter } from '../../src/rules/routing'
import { createSegmenter } from '../../src/rules/segmenter'
import type { RuleSet } from '../../src/rules/types'
import { validateRules } from '../../src/rules/validate'
import { FACTS, ruleSet } from './arbitraries'

// House rule: bad rule JSON of any kind is a RULES_INVALID ParleyError whose issues point into the
// file; a file that validates compiles and runs on any facts without throwing.

const NUM_RUNS = 100
const facts = [...FACTS]

/** The four entry points that take a rule file, each with a valid file built from a rule set. */
const KINDS = {
  rules: { load: (x: unknown) => validateRules(x), from: (s: RuleSet): unknown => s },
  groups: {
    load: (x: unknown) => createSegmenter(x as never, { facts }),
    from: (s: RuleSet): unknown => ({
      groups: s.rules.map((r, i) => ({
        id: `g${i}`,
        name: `Group ${i}`,
        conditions: r.conditions,
        ...(r.priority === undefined ? {} : { priority: r.priority }),
      })),
      ...(s.conditions ? { conditions: s.conditions } : {}),
    }),
  },
  moderation: {
    load: (x: unknown) => createModerator(x as never, { facts }),
    from: (s: RuleSet): unknown => ({
      rules: s.rules.map((r, i) => ({
        conditions: r.conditions,
        decision: (['approve', 'flag', 'reject'] as const)[i % 3],
        reason: `reason-${i}`,
      })),
      wordLists: { bad: ['scam', 'arnaque'] },
      ...(s.conditions ? { conditions: s.conditions } : {}),
    }),
  },
  routing: {
    load: (x: unknown) => createRouter(x as never, { facts }),
    from: (s: RuleSet): unknown => ({
      rules: s.rules.map((r, i) => ({ conditions: r.conditions, set: { queue: `q${i}` } })),
      defaults: { priority: 'normal', queue: 'general', slaPolicy: 'standard' },
      ...(s.conditions ? { conditions: s.conditions } : {}),
    }),
  },
} as const
type Kind = keyof typeof KINDS
const kinds = Object.keys(KINDS) as Kind[]

type Key = string | number

/** Every path to a node of a JSON value (the root included), own keys only. */
function nodePaths(v: unknown, at: Key[] = [], out: Key[][] = []): Key[][] {
  out.push(at)
  if (Array.isArray(v)) for (const [i, x] of v.entries()) nodePaths(x, [...at, i], out)
  else if (typeof v === 'object' && v !== null)
    for (const k of Object.keys(v)) nodePaths((v as Record<string, unknown>)[k], [...at, k], out)
  return out
}

const clone = (v: unknown): unknown => JSON.parse(JSON.stringify(v))

/** Sets (or, with `remove`, deletes) the node at `path`; the root is replaced by returning it. */
function edit(root: unknown, path: Key[], replace: (old: unknown) => unknown, remove = false): unknown {
  if (path.length === 0) return remove ? undefined : replace(root)
  let parent = root as Record<Key, unknown>
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<Key, unknown>
  const last = path[path.length - 1]!
  if (remove) {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else {
    // defineProperty, so a `__proto__` key stays an own data property as JSON.parse makes it
    Object.defineProperty(parent, last, {
      value: replace(parent[last]),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return root
}

/** A value nested `depth` levels deep, as arrays or as boolean conditions. */
const deep = fc.integer({ min: 20, max: 2000 }).chain((depth) =>
  fc.constantFrom('array', 'all', 'not').map((how) => {
    let v: unknown = { fact: 'a', operator: 'equal', value: 1 }
    for (let i = 0; i < depth; i++) v = how === 'array' ? [v] : how === 'all' ? { all: [v] } : { not: v }
    return v
  }),
)

/** Small replacement values: wrong types, unknown operators, odd keys and paths. */
const replacement: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => () => v),
  fc.constantFrom<unknown>(null, 0, -1, 1.5, '', 'x', true, [], {}).map((v) => () => v),
  fc
    .constantFrom('noSuchOp', 'not:', 'someFact:everyFact:', 'swap:swap:equal', '__proto__', 'constructor')
    .map((op) => () => op),
  fc
    .constantFrom('__proto__', 'constructor', 'prototype', 'toString')
    .map((k) => (old: unknown) => JSON.parse(`{${JSON.stringify(k)}: ${JSON.stringify(old ?? null)}}`)),
  fc.constantFrom('$.__proto__.x', '$..x', '$[', "$['constructor']", '$.a[-1]').map((p) => () => p),
)

/** Big replacement values, applied once and last: long arrays (within the limits) and deep nesting. */
const big: fc.Arbitrary<(old: unknown) => unknown> = fc.oneof(
  fc
    .integer({ min: 0, max: 6000 })
    .map((n) => () => Array.from({ length: n }, () => ({ fact: 'a', operator: 'equal', value: 1 }))),
  fc.integer({ min: 0, max: 6000 }).map((n) => () => Array.from({ length: n }, (_, i) => i)),
  deep.map((v) => () => v),
)

/** One edit of a valid file: drop a node, or replace it. */
const mutation = (values: fc.Arbitrary<(old: unknown) => unknown>) =>
  fc.record({ at: fc.nat(), remove: fc.boolean(), replace: values })

/** A valid file of `kind` with 1–3 small random edits, then sometimes one big one. */
function mutated(kind: Kind): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      ruleSet,
      fc.array(mutation(replacement), { minLength: 1, maxLength: 3 }),
      fc.option(mutation(big), { freq: 3 }),
      fc.option(deep, { freq: 4 }),
    )
    .map(([set, edits, last, deepNamed]) => {
      let file = clone(KINDS[kind].from(set))
      for (const m of last ? [...edits, last] : edits) {
        const paths = nodePaths(file)
        file = edit(file, paths[m.at % paths.length]!, m.replace, m.remove)
      }
      // a deep named condition: named conditions are walked for cycles as well as checked
      if (deepNamed !== null && typeof file === 'object' && file !== null && !Array.isArray(file))
        (file as { conditions?: unknown }).conditions = { deep: deepNamed }
      return file
    })
}

/** True when `path` walks into `input`: every key but the last exists as an own property. */
function pointsInto(input: unknown, path: readonly unknown[]): boolean {
  let node = input
  for (const [i, key] of path.entries()) {
    if (typeof key !== 'string' && typeof key !== 'number') return false
    if (typeof node !== 'object' || node === null) return false
    const own = Object.hasOwn(node, key)
    if (i === path.length - 1) return true // a missing key is reported at the key it expected
    if (!own) return false
    node = (node as Record<Key, unknown>)[key]
  }
  return true
}

/** Loading `input` works, or throws RULES_INVALID with issues that point into it. */
function expectLoadsOrInvalid(kind: Kind, input: unknown): unknown {
  let loaded: unknown
  try {
    loaded = KINDS[kind].load(input)
  } catch (error) {
    if (!(error instanceof ParleyError)) throw new Error(`${kind}: threw ${String(error)}`, { cause: error })
    expect(error.code).toBe('RULES_INVALID')
    expect(error.issues.length).toBeGreaterThan(0)
    for (const issue of error.issues) {
      expect(Array.isArray(issue.path), `${kind}: ${issue.message}`).toBe(true)
      expect(pointsInto(input, issue.path), `${kind}: ${JSON.stringify(issue.path)} (${issue.message})`).toBe(
        true,
      )
    }
    return undefined
  }
  return loaded
}

/** Runs a loaded file of `kind` on `facts`: must not throw. */
function runOn(kind: Kind, loaded: unknown, file: unknown, facts: unknown): void {
  switch (kind) {
    case 'rules': {
      const compiled = compile(file as RuleSet, { allowUndefinedFacts: true })
      compiled.run(facts as never)
      compiled.explain(facts as never)
      compile(file as RuleSet, { codegen: false }).run(facts as never)
      return
    }
    case 'groups': {
      const s = loaded as ReturnType<typeof createSegmenter>
      s.groupsOf(facts as never)
      for (const g of s.groups) s.explain(facts as never, g.id)
      return
    }
    case 'moderation': {
      const m = loaded as ReturnType<typeof createModerator>
      m.moderate(facts as never)
      m.explain(facts as never)
      return
    }
    case 'routing': {
      const r = loaded as ReturnType<typeof createRouter>
      r.route(facts as never)
      r.route(facts as never, ['vip'])
      r.explain(facts as never)
    }
  }
}

describe('rule files from outside', () => {
  for (const kind of kinds) {
    it(`${kind}: arbitrary JSON either loads or is RULES_INVALID with issue paths into the input`, () => {
      fc.assert(
        fc.property(fc.jsonValue(), (input) => {
          expectLoadsOrInvalid(kind, input)
        }),
        { numRuns: NUM_RUNS },
      )
    })

    it(`${kind}: a mutated valid file either loads or is RULES_INVALID with issue paths into the input`, () => {
      fc.assert(
        fc.property(mutated(kind), (input) => {
          expectLoadsOrInvalid(kind, input)
        }),
        { numRuns: NUM_RUNS },
      )
    })

    it(`${kind}: a file that loads compiles and runs on any facts without throwing`, () => {
      fc.assert(
        fc.property(
          fc.oneof(
            ruleSet.map((s) => KINDS[kind].from(s)),
            mutated(kind),
          ),
          fc.array(fc.anything(), { minLength: 1, maxLength: 4 }),
          (file, factsList) => {
            const loaded = expectLoadsOrInvalid(kind, file)
            if (loaded === undefined) return
            for (const f of factsList) runOn(kind, loaded, file, f)
          },
        ),
        { numRuns: NUM_RUNS },
      )
    })
  }

  it('the unmutated files of every kind load, so the mutation properties start from valid input', () => {
    fc.assert(
      fc.property(ruleSet, (set) => {
        for (const kind of kinds) expect(expectLoadsOrInvalid(kind, KINDS[kind].from(set))).toBeDefined()
      }),
      { numRuns: 50 },
    )
  })
})
