/**
 * The intermediate form every evaluator (generated code, closures, explain) is built from: a rule
 * file after validation, with operators resolved, paths parsed and conditions sorted by priority
 * the way json-rules-engine runs them. Internal: not exported from the barrel.
 */
import type { IssuePath } from '../errors/parley-error'
import { compilePath, parsePath } from './json-path'
import {
  builtinDecorators,
  builtinOperators,
  type OperatorRegistry,
  operatorFunction,
  resolveOperator,
} from './operators'
import type { Condition, RuleEvent, RuleSet } from './types'

/** A fact read: name plus optional path resolver. */
export interface FactRead {
  readonly fact: string
  readonly path: string | undefined
  readonly resolve: ((value: object) => unknown) | undefined
}

/** A leaf condition, ready to evaluate. */
export interface LeafNode {
  readonly kind: 'fact'
  readonly at: IssuePath
  readonly name: string | undefined
  readonly read: FactRead
  readonly operator: string
  /**
   * Set when generated code may inline the operator: a built-in operator, possibly under the
   * built-in decorators `not`, `someFact`, `everyFact` (none replaced by custom ones).
   */
  readonly inline: { readonly base: string; readonly decorators: readonly string[] } | undefined
  readonly op: (factValue: unknown, value: unknown) => boolean
  /** The operator specialised for the literal value (see OperatorDefinition#specialize). */
  readonly unary: ((factValue: unknown) => boolean) | undefined
  readonly value: { readonly literal: unknown } | { readonly read: FactRead }
}

/** A boolean node; children are in evaluation order (priority descending, then file order). */
export interface BooleanNode {
  readonly kind: 'all' | 'any'
  readonly at: IssuePath
  readonly name: string | undefined
  readonly children: readonly ProgramNode[]
}

/** `not`: the negation of its child. */
export interface NotNode {
  readonly kind: 'not'
  readonly at: IssuePath
  readonly name: string | undefined
  readonly child: ProgramNode
}

/** A reference to a named condition; `target` is undefined when it is missing (allowUndefinedConditions). */
export interface ReferenceNode {
  readonly kind: 'condition'
  readonly at: IssuePath
  readonly name: string | undefined
  readonly ref: string
}

/** Any node of a program. */
export type ProgramNode = LeafNode | BooleanNode | NotNode | ReferenceNode

/** One rule in run order. */
export interface ProgramRule {
  /** Index in the file. */
  readonly index: number
  readonly name: string | undefined
  readonly priority: number
  readonly event: RuleEvent
  readonly conditions: ProgramNode
}

/** A compiled-to-IR rule file. */
export interface Program {
  /** Rules sorted by priority (highest first), file order within a priority. */
  readonly rules: readonly ProgramRule[]
  readonly named: ReadonlyMap<string, ProgramNode>
}

/** Options of {@link buildProgram}. */
export interface ProgramOptions {
  registry: OperatorRegistry
}

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v)
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k])
  }
  return v
}

function factRead(fact: string, path: unknown): FactRead {
  if (typeof path !== 'string' || path === '') return { fact, path: undefined, resolve: undefined }
  const parsed = parsePath(path)
  // validation has refused bad paths; a bad one here means the caller skipped it
  if ('error' in parsed) throw new Error(parsed.error)
  return { fact, path, resolve: compilePath(parsed.segments) }
}

const priorityOf = (c: Condition): number => (c as { priority?: number }).priority || 1

/** Stable sort by priority, highest first: json-rules-engine's prioritizeConditions. */
function byPriority<T extends Condition>(conditions: readonly T[]): Array<{ c: T; i: number }> {
  return conditions.map((c, i) => ({ c, i })).sort((x, y) => priorityOf(y.c) - priorityOf(x.c) || x.i - y.i)
}

function build(c: Condition, at: IssuePath, options: ProgramOptions): ProgramNode {
  const name = (c as { name?: string }).name
  if ('condition' in c) return { kind: 'condition', at, name, ref: c.condition }
  if ('all' in c || 'any' in c) {
    const kind = 'any' in c ? 'any' : 'all'
    const list = 'any' in c ? c.any : (c as { all: Condition[] }).all
    return {
      kind,
      at,
      name,
      children: byPriority(list).map(({ c: child, i }) => build(child, [...at, kind, i], options)),
    }
  }
  if ('not' in c) return { kind: 'not', at, name, child: build(c.not, [...at, 'not'], options) }
  const resolved = resolveOperator(options.registry, c.operator)
  if (!resolved) throw new Error(`unknown operator ${c.operator}`)
  const builtin = builtinOperators[resolved.base]
  const inlinable = resolved.decorators.every(
    (d) =>
      (d === 'not' || d === 'someFact' || d === 'everyFact') &&
      options.registry.decorators.get(d) === builtinDecorators[d],
  )
  const inline =
    inlinable && builtin !== undefined && resolved.definition === builtin
      ? { base: resolved.base, decorators: resolved.decorators }
      : undefined
  const v = c.value
  const value =
    typeof v === 'object' && v !== null && Object.hasOwn(v, 'fact')
      ? { read: factRead((v as { fact: string }).fact, (v as { path?: string }).path) }
      : { literal: deepFreeze(structuredClone(v)) }
  const specialized =
    'literal' in value && resolved.decorators.length === 0
      ? resolved.definition.specialize?.(value.literal)
      : undefined
  const validator = resolved.definition.factValueValidator
  const unary =
    specialized && validator ? (f: unknown) => validator(f) && specialized(f) === true : specialized
  return {
    kind: 'fact',
    at,
    name,
    read: factRead(c.fact, c.path),
    operator: c.operator,
    inline,
    op: operatorFunction(options.registry, resolved),
    unary,
    value,
  }
}

/** Builds the program of a validated rule file. */
export function buildProgram(ruleSet: RuleSet, options: ProgramOptions, rulesKey = 'rules'): Program {
  const named = new Map<string, ProgramNode>()
  for (const [n, c] of Object.entries(ruleSet.conditions ?? {}))
    named.set(n, build(c, ['conditions', n], options))
  const rules = ruleSet.rules
    .map((r, index): ProgramRule => {
      const event: RuleEvent = { type: r.event.type }
      if (r.event.params) event.params = structuredClone(r.event.params)
      return {
        index,
        name: r.name,
        priority: r.priority || 1,
        event: deepFreeze(event),
        conditions: build(r.conditions, [rulesKey, index, 'conditions'], options),
      }
    })
    .sort((a, b) => b.priority - a.priority || a.index - b.index)
  return { rules, named }
}
