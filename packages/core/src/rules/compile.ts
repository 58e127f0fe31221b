import { codegenCompile } from './codegen'
import { closureCompile, type MatchAll, readFact } from './evaluate'
import { explainRule, type RuleExplanation } from './explain'
import { compilePath, parsePath } from './json-path'
import { createOperatorRegistry } from './operators'
import { buildProgram, type Program } from './program'
import type { Facts, RuleEvent, RuleSet, RunResult } from './types'
import { type ValidateOptions, validateRules } from './validate'

/** Options of {@link compile}. */
export interface CompileOptions extends ValidateOptions {
  /**
   * A fact missing from `facts` reads as `undefined`. When false (json-rules-engine's default), a
   * rule that reads a missing fact does not match and `explain` says which fact was missing.
   * @default false
   */
  allowUndefinedFacts?: boolean
  /** Replace `{ "fact": "x" }` values in event params by the fact's value, as json-rules-engine's option. @default false */
  replaceFactsInEventParams?: boolean
  /**
   * Generate JavaScript with `new Function` (fastest). When false, or when the host forbids it
   * (a CSP without `unsafe-eval`), rules run as composed closures with the same results.
   * @default true
   */
  codegen?: boolean
}

/** A compiled rule file. */
export interface CompiledRules {
  /** Runs every rule on `facts`; synchronous; never throws on odd fact shapes. */
  run(facts: Facts): RunResult
  /** The indexes (in file order) of the rules that match, in run order. The fast path of segmenters. */
  matching(facts: Facts): number[]
  /** Runs every rule with a trace of each condition: the fact value found, the operator, the verdict. */
  explain(facts: Facts): RuleExplanation[]
  /** Which evaluator runs: generated code or closures. */
  readonly mode: 'codegen' | 'closures'
}

/**
 * Validates and compiles a rule file into a synchronous evaluator with json-rules-engine's results.
 * @throws ParleyError `RULES_INVALID` when the file is invalid.
 * @example
 * const rules = compile({ rules: [{ conditions: { all: [{ fact: 'amountSpent', operator: 'greaterThan', value: 500 }] }, event: { type: 'vip' } }] })
 * rules.run({ amountSpent: 900 }) // { events: [{ type: 'vip' }], failureEvents: [] }
 */
export function compile(ruleSet: RuleSet, options: CompileOptions = {}): CompiledRules {
  const valid = validateRules(ruleSet, options)
  const registry = createOperatorRegistry(options)
  return compileProgram(buildProgram(valid, { registry }), options)
}

/** Internal: compiles an already-built program (the segmenter, moderator and router build their own). */
export function compileProgram(program: Program, options: CompileOptions = {}): CompiledRules {
  const allow = options.allowUndefinedFacts ?? false
  let matchAll: MatchAll
  let mode: CompiledRules['mode'] = 'closures'
  if (options.codegen === false) matchAll = closureCompile(program, { allowUndefinedFacts: allow })
  else {
    try {
      matchAll = codegenCompile(program, { allowUndefinedFacts: allow })
      mode = 'codegen'
    } catch {
      matchAll = closureCompile(program, { allowUndefinedFacts: allow })
    }
  }
  const rules = program.rules
  const events = rules.map((r) => r.event)
  const indexes = rules.map((r) => r.index)
  const n = rules.length
  const EMPTY = {}
  const replace = options.replaceFactsInEventParams === true
  const eventFor = (i: number, facts: Facts): RuleEvent => {
    const e = events[i]!
    if (!replace || !e.params) return e
    const params: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(e.params)) {
      if (typeof v === 'object' && v !== null && Object.hasOwn(v, 'fact')) {
        params[k] = readReference(facts, v as { fact: string; path?: unknown }, allow)
      } else params[k] = v
    }
    return { type: e.type, params }
  }
  return {
    mode,
    run(facts) {
      const f = facts ?? EMPTY
      const ok: RuleEvent[] = []
      const ko: RuleEvent[] = []
      const matched = matchAll(f)
      let m = 0
      for (let i = 0; i < n; i++) {
        if (matched[m] === i) {
          ok.push(eventFor(i, f))
          m++
        } else ko.push(eventFor(i, f))
      }
      return { events: ok, failureEvents: ko }
    },
    matching(facts) {
      const f = facts ?? EMPTY
      const out = matchAll(f)
      for (let i = 0; i < out.length; i++) out[i] = indexes[out[i]!]!
      return out
    },
    explain(facts) {
      const f = facts ?? EMPTY
      return rules.map((r) => explainRule(program, r, f, allow))
    },
  }
}

/** json-rules-engine's Almanac#getValue for event params; a missing fact reads as undefined here. */
function readReference(facts: Facts, ref: { fact: string; path?: unknown }, allow: boolean): unknown {
  const parsed = typeof ref.path === 'string' && ref.path !== '' ? parsePath(ref.path) : undefined
  const resolve = parsed && 'segments' in parsed ? compilePath(parsed.segments) : undefined
  try {
    return readFact(facts, { fact: ref.fact, path: undefined, resolve }, allow)
  } catch {
    return undefined
  }
}
