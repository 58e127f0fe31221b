/**
 * The closure-compiled evaluator: each condition becomes a small function. It is the fallback when
 * a host forbids `new Function`, and the reference the generated code is tested against.
 * Internal: not exported from the barrel.
 */
import type { FactRead, Program, ProgramNode } from './program'
import type { Facts } from './types'

/** Thrown inside evaluation when a fact is missing and undefined facts are not allowed. */
export class UndefinedFactError extends Error {
  override readonly name = 'UndefinedFactError'
  constructor(readonly fact: string) {
    super(`Undefined fact: ${fact}`)
  }
}

const hasOwn = Object.prototype.hasOwnProperty

// Members of Object.prototype ("toString", "valueOf", ...) are facts only when the object owns them.
const PROTO_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype))

/**
 * Reads a fact and applies its path, as json-rules-engine's Almanac#factValue. A fact is a property
 * of the facts object; it is missing when it reads `undefined` and is not an own property. The
 * generated code follows the same rule.
 */
export function readFact(facts: Facts, read: FactRead, allowUndefinedFacts: boolean): unknown {
  const k = read.fact
  let v: unknown
  if (PROTO_KEYS.has(k)) {
    if (hasOwn.call(facts, k)) v = facts[k]
    else if (!allowUndefinedFacts) throw new UndefinedFactError(k)
  } else {
    v = facts[k]
    if (v === undefined && !allowUndefinedFacts && !hasOwn.call(facts, k)) throw new UndefinedFactError(k)
  }
  if (read.resolve !== undefined && v !== null && typeof v === 'object') v = read.resolve(v)
  return v
}

/** A compiled condition. It may throw (undefined fact, operator on a value it cannot handle). */
export type Predicate = (facts: Facts) => boolean

/** Evaluates every rule; returns the positions (in run order) of the rules that match. Never throws. */
export type MatchAll = (facts: Facts) => number[]

/** Options shared by the evaluators. */
export interface EvaluatorOptions {
  allowUndefinedFacts: boolean
}

/** Compiles `program` into composed closures; a rule whose evaluation throws does not match. */
export function closureCompile(program: Program, options: EvaluatorOptions): MatchAll {
  const allow = options.allowUndefinedFacts
  const named = new Map<string, Predicate>()
  const ref = (name: string): Predicate => {
    const node = program.named.get(name)
    if (!node) return () => false
    return (f) => {
      let p = named.get(name)
      if (!p) {
        p = compileNode(node)
        named.set(name, p)
      }
      return p(f)
    }
  }
  const compileNode = (node: ProgramNode): Predicate => {
    switch (node.kind) {
      case 'all': {
        const cs = node.children.map(compileNode)
        return (f) => {
          for (let i = 0; i < cs.length; i++) if (!cs[i]!(f)) return false
          return true
        }
      }
      case 'any': {
        const cs = node.children.map(compileNode)
        if (cs.length === 0) return () => true // json-rules-engine: an empty "any" holds
        return (f) => {
          for (let i = 0; i < cs.length; i++) if (cs[i]!(f)) return true
          return false
        }
      }
      case 'not': {
        const c = compileNode(node.child)
        return (f) => !c(f)
      }
      case 'condition':
        return ref(node.ref)
      case 'fact': {
        const { read, op, value, unary } = node
        if (unary) return (f) => unary(readFact(f, read, allow)) === true
        if ('literal' in value) {
          const literal = value.literal
          return (f) => op(readFact(f, read, allow), literal)
        }
        const right = value.read
        return (f) => {
          const b = readFact(f, right, allow)
          return op(readFact(f, read, allow), b)
        }
      }
    }
  }
  const rules = program.rules.map((rule) => compileNode(rule.conditions))
  return (f) => {
    const out: number[] = []
    for (let i = 0; i < rules.length; i++) {
      try {
        if (rules[i]!(f)) out.push(i)
      } catch {
        // the rule does not match; explain() reports why
      }
    }
    return out
  }
}
