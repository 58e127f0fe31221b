import fc from 'fast-check'
import { Engine } from 'json-rules-engine'
import { describe, expect, it } from 'vitest'
import { compile, type RuleEvent, type RuleSet } from '../../src/rules/index'
import { facts, ruleSet } from './arbitraries'

type Outcome = { events: RuleEvent[]; failureEvents: RuleEvent[] } | 'rejected'

async function reference(
  set: RuleSet,
  input: Record<string, unknown>,
  allowUndefinedFacts: boolean,
): Promise<Outcome> {
  const copy = structuredClone(set)
  const engine = new Engine([], { allowUndefinedFacts })
  for (const [name, c] of Object.entries(copy.conditions ?? {})) engine.setCondition(name, c as never)
  for (const r of copy.rules) engine.addRule(r as never)
  try {
    const { events, failureEvents } = await engine.run(input)
    // json-rules-engine evaluates the rules of one priority concurrently and records them in the
    // order their promises settle, which depends on condition nesting. Parley uses file order
    // there (documented in docs/rules.md); priorities themselves must already be in order.
    const order = (e: { type: string }) => {
      const i = Number(e.type.slice(1))
      return [-(set.rules[i]!.priority ?? 1), i] as const
    }
    const sort = (es: Array<{ type: string; params?: unknown }>) => {
      const keys = es.map(order)
      for (let i = 1; i < keys.length; i++) expect(keys[i]![0]).toBeGreaterThanOrEqual(keys[i - 1]![0])
      return [...es].sort((x, y) => order(x)[0] - order(y)[0] || order(x)[1] - order(y)[1]) as RuleEvent[]
    }
    return { events: sort(events), failureEvents: sort(failureEvents) }
  } catch {
    return 'rejected'
  }
}

describe('the compiled evaluator against json-rules-engine', () => {
  for (const allowUndefinedFacts of [true, false]) {
    for (const codegen of [true, false]) {
      it(`gives json-rules-engine's events on generated rules and facts (allowUndefinedFacts: ${allowUndefinedFacts}, codegen: ${codegen})`, async () => {
        let compared = 0
        await fc.assert(
          fc.asyncProperty(ruleSet, fc.array(facts, { minLength: 1, maxLength: 4 }), async (set, inputs) => {
            const compiled = compile(set, { allowUndefinedFacts, codegen })
            for (const input of inputs) {
              const ours = compiled.run(input)
              const theirs = await reference(set, input, allowUndefinedFacts)
              // where json-rules-engine rejects the whole run, Parley reports the rules as not matching
              if (theirs === 'rejected') continue
              compared++
              expect(JSON.parse(JSON.stringify(ours))).toEqual(JSON.parse(JSON.stringify(theirs)))
            }
          }),
          { numRuns: 300 },
        )
        expect(compared).toBeGreaterThan(100)
      })
    }
  }
})
