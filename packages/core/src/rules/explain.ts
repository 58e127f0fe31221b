import type { IssuePath } from '../errors/parley-error'
import { readFact } from './evaluate'
import type { Program, ProgramNode, ProgramRule } from './program'
import type { Facts, RuleEvent } from './types'

/**
 * Why one condition held or not. `result` is `undefined` when the condition was not evaluated
 * (an earlier sibling already decided its `all`/`any`, as json-rules-engine short-circuits).
 */
export interface ConditionExplanation {
  /** `all`, `any`, `not`, `condition` (a reference) or `fact` (a leaf). */
  readonly kind: ProgramNode['kind']
  /** JSON path of the condition in the file. */
  readonly at: IssuePath
  readonly name?: string
  readonly result: boolean | undefined
  /** Leaf: the fact, its path, the operator and both sides as evaluated. */
  readonly fact?: string
  readonly path?: string
  readonly operator?: string
  readonly factValue?: unknown
  readonly value?: unknown
  /** The named condition a reference points to. */
  readonly condition?: string
  /** Why evaluation stopped here (undefined fact, operator applied to a value it cannot handle). */
  readonly error?: string
  readonly children?: readonly ConditionExplanation[]
}

/** Why one rule matched or not. */
export interface RuleExplanation {
  /** Index of the rule in the file. */
  readonly index: number
  readonly name?: string
  readonly priority: number
  readonly event: RuleEvent
  readonly result: boolean
  /** Set when evaluation failed: the rule is reported as not matching. */
  readonly error?: string
  readonly conditions: ConditionExplanation
}

/** Evaluates one rule with a trace. Never throws. */
export function explainRule(
  program: Program,
  rule: ProgramRule,
  facts: Facts,
  allowUndefinedFacts: boolean,
): RuleExplanation {
  let error: string | undefined
  const trace = (node: ProgramNode): ConditionExplanation => {
    const base = { kind: node.kind, at: node.at, ...(node.name === undefined ? {} : { name: node.name }) }
    switch (node.kind) {
      case 'all':
      case 'any': {
        const children: ConditionExplanation[] = []
        // json-rules-engine: an empty all or any holds
        let result = node.kind === 'all' || node.children.length === 0
        let decided = false
        for (const child of node.children) {
          if (decided) {
            children.push(skipped(child))
            continue
          }
          const c = trace(child)
          children.push(c)
          if (c.result === undefined) return { ...base, result: undefined, children }
          if (node.kind === 'all' ? !c.result : c.result) {
            result = node.kind === 'any'
            decided = true
          }
        }
        return { ...base, result, children }
      }
      case 'not': {
        const c = trace(node.child)
        return { ...base, result: c.result === undefined ? undefined : !c.result, children: [c] }
      }
      case 'condition': {
        const target = program.named.get(node.ref)
        if (!target)
          return { ...base, condition: node.ref, result: false, error: `no condition named "${node.ref}"` }
        const c = trace(target)
        return { ...base, condition: node.ref, result: c.result, children: [c] }
      }
      case 'fact': {
        const leaf = {
          ...base,
          fact: node.read.fact,
          operator: node.operator,
          ...(node.read.path === undefined ? {} : { path: node.read.path }),
        }
        let factValue: unknown
        let value: unknown
        try {
          factValue = readFact(facts, node.read, allowUndefinedFacts)
          value =
            'literal' in node.value
              ? node.value.literal
              : readFact(facts, node.value.read, allowUndefinedFacts)
          return { ...leaf, factValue, value, result: node.op(factValue, value) }
        } catch (e) {
          error = e instanceof Error ? e.message : String(e)
          return { ...leaf, factValue, value, result: undefined, error }
        }
      }
    }
  }
  const conditions = trace(rule.conditions)
  const out: RuleExplanation = {
    index: rule.index,
    priority: rule.priority,
    event: rule.event,
    result: conditions.result === true,
    conditions,
    ...(rule.name === undefined ? {} : { name: rule.name }),
    ...(error === undefined ? {} : { error }),
  }
  return out
}

function skipped(node: ProgramNode): ConditionExplanation {
  const base = {
    kind: node.kind,
    at: node.at,
    result: undefined,
    ...(node.name === undefined ? {} : { name: node.name }),
  }
  if (node.kind === 'fact') {
    return {
      ...base,
      fact: node.read.fact,
      operator: node.operator,
      ...(node.read.path === undefined ? {} : { path: node.read.path }),
    }
  }
  return node.kind === 'condition' ? { ...base, condition: node.ref } : base
}
