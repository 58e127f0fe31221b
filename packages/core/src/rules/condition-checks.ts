/**
 * The checks behind every rule file's validation: condition trees, operators and their values,
 * facts, paths, references, cycles and limits. Internal: the barrel exports `validateRules` and the
 * option types only.
 */
import type { z } from 'zod'
import { fromZodIssues, type IssuePath, ParleyError, type ParleyIssue } from '../errors/parley-error'
import { FORBIDDEN_KEYS, parsePath } from './json-path'
import {
  checkOperatorValue,
  createOperatorRegistry,
  type OperatorOptions,
  type OperatorRegistry,
  resolveOperator,
} from './operators'
import { paramsSchema } from './schema'

/** Size limits that keep a hostile or runaway rule file from exhausting the process. */
export interface RuleLimits {
  /** Deepest nesting of conditions (and of JSON inside values and params). @default 32 */
  maxDepth: number
  /** Most rules (or groups) in one file. @default 5000 */
  maxRules: number
  /** Most condition nodes in one file; a named condition counts once however often it is referenced. @default 50000 */
  maxConditions: number
}

/** The default {@link RuleLimits}. */
export const defaultRuleLimits: Readonly<RuleLimits> = { maxDepth: 32, maxRules: 5000, maxConditions: 50_000 }

/** Options of {@link validateRules} (and of `compile`, which validates first). */
export interface ValidateOptions extends OperatorOptions {
  /** The facts rules may read. When given, any other fact name is an error. */
  facts?: readonly string[]
  /** Let a reference to a missing named condition evaluate to false, as json-rules-engine's option. @default false */
  allowUndefinedConditions?: boolean
  /** Overrides of {@link defaultRuleLimits}. */
  limits?: Partial<RuleLimits>
}

/** Internal: the state of one file's validation. */
export interface Ctx {
  issues: ParleyIssue[]
  registry: OperatorRegistry
  facts: ReadonlySet<string> | undefined
  named: Record<string, unknown>
  allowUndefinedConditions: boolean
  limits: RuleLimits
  nodes: number
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const hasOwn = (o: object, k: string) => Object.hasOwn(o, k)

const LEAF_KEYS = new Set(['fact', 'operator', 'value', 'path', 'params', 'priority', 'name'])
const BOOLEAN_KEYS = ['all', 'any', 'not'] as const

/** Internal: records one issue. */
export function issue(
  ctx: Ctx,
  code: string,
  path: IssuePath,
  message: string,
  extra: Record<string, unknown> = {},
) {
  ctx.issues.push({ code, path, message, ...extra })
}

/** Internal: false when `v` nests deeper than `max`. */
export function jsonDepth(v: unknown, max: number, depth = 0): boolean {
  if (depth > max) return false
  if (typeof v !== 'object' || v === null) return true
  for (const k of Object.keys(v))
    if (!jsonDepth((v as Record<string, unknown>)[k], max, depth + 1)) return false
  return true
}

function checkPriority(ctx: Ctx, node: Record<string, unknown>, path: IssuePath) {
  if (!hasOwn(node, 'priority')) return
  const p = node.priority
  if (typeof p !== 'number' || !Number.isInteger(p) || p <= 0) {
    issue(ctx, 'invalid_priority', [...path, 'priority'], 'priority must be a whole number ≥ 1, e.g. 10')
  }
}

function checkFactName(ctx: Ctx, fact: unknown, path: IssuePath) {
  if (typeof fact !== 'string' || fact === '') {
    issue(ctx, 'invalid_type', path, 'fact must be a non-empty string naming a fact, e.g. "amountSpent"')
    return
  }
  if (FORBIDDEN_KEYS.has(fact)) {
    issue(ctx, 'forbidden_path', path, `the fact name "${fact}" is forbidden; rename the fact`)
    return
  }
  if (ctx.facts && !ctx.facts.has(fact)) {
    issue(
      ctx,
      'unknown_fact',
      path,
      `unknown fact "${fact}"; declared facts are: ${[...ctx.facts].join(', ')}`,
      {
        fact,
      },
    )
  }
}

function checkFactPath(ctx: Ctx, path: unknown, at: IssuePath) {
  if (path === undefined) return
  if (typeof path !== 'string') {
    issue(ctx, 'invalid_type', at, 'path must be a string such as "$.address.country"')
    return
  }
  if (path === '') return
  const parsed = parsePath(path)
  if ('error' in parsed) {
    const code = parsed.error.includes('forbidden') ? 'forbidden_path' : 'invalid_path'
    issue(ctx, code, at, parsed.error)
  }
}

function checkParams(ctx: Ctx, params: unknown, at: IssuePath) {
  if (params === undefined) return
  const r = paramsSchema.safeParse(params)
  if (!r.success) issue(ctx, 'invalid_type', at, 'params must be an object, e.g. { "currency": "EUR" }')
  else if (!jsonDepth(params, ctx.limits.maxDepth)) issue(ctx, 'too_deep', at, 'params are nested too deeply')
}

function checkLeaf(ctx: Ctx, node: Record<string, unknown>, path: IssuePath) {
  for (const k of Object.keys(node)) {
    if (!LEAF_KEYS.has(k)) {
      issue(
        ctx,
        'unrecognized_keys',
        [...path, k],
        `unknown key "${k}" in a condition; allowed: ${[...LEAF_KEYS].join(', ')}`,
      )
    }
  }
  checkFactName(ctx, node.fact, [...path, 'fact'])
  checkFactPath(ctx, node.path, [...path, 'path'])
  checkParams(ctx, node.params, [...path, 'params'])
  checkPriority(ctx, node, path)
  if (node.name !== undefined && typeof node.name !== 'string') {
    issue(ctx, 'invalid_type', [...path, 'name'], 'name must be a string')
  }
  const op = node.operator
  const resolved = typeof op === 'string' ? resolveOperator(ctx.registry, op) : undefined
  if (typeof op !== 'string' || !resolved) {
    issue(
      ctx,
      'unknown_operator',
      [...path, 'operator'],
      `unknown operator ${JSON.stringify(op)}; use one of ${[...ctx.registry.operators.keys()].join(', ')}, optionally decorated (${[...ctx.registry.decorators.keys()].map((d) => `${d}:`).join(', ')}), or register it in code`,
      { operator: op },
    )
  }
  if (!hasOwn(node, 'value')) {
    issue(
      ctx,
      'invalid_type',
      [...path, 'value'],
      'a condition needs a "value" (a literal, or { "fact": "name" })',
    )
    return
  }
  const value = node.value
  if (isObject(value) && hasOwn(value, 'fact')) {
    for (const k of Object.keys(value)) {
      if (k !== 'fact' && k !== 'path' && k !== 'params') {
        issue(
          ctx,
          'unrecognized_keys',
          [...path, 'value', k],
          `unknown key "${k}" in a fact reference; allowed: fact, path, params`,
        )
      }
    }
    checkFactName(ctx, value.fact, [...path, 'value', 'fact'])
    checkFactPath(ctx, value.path, [...path, 'value', 'path'])
    checkParams(ctx, value.params, [...path, 'value', 'params'])
    return
  }
  if (!jsonDepth(value, ctx.limits.maxDepth)) {
    issue(ctx, 'too_deep', [...path, 'value'], `value is nested deeper than ${ctx.limits.maxDepth} levels`)
    return
  }
  if (resolved) {
    const message = checkOperatorValue(ctx.registry, resolved, value)
    if (message) {
      issue(ctx, 'invalid_value', [...path, 'value'], `operator "${op}": ${message}`, { operator: op })
    }
  }
}

function checkCondition(ctx: Ctx, node: unknown, path: IssuePath, depth: number, topLevel: boolean): void {
  if (++ctx.nodes > ctx.limits.maxConditions) {
    if (ctx.nodes === ctx.limits.maxConditions + 1) {
      issue(ctx, 'too_large', path, `more than ${ctx.limits.maxConditions} conditions; split the file`)
    }
    return
  }
  if (depth > ctx.limits.maxDepth) {
    issue(
      ctx,
      'too_deep',
      path,
      `conditions nest deeper than ${ctx.limits.maxDepth} levels; flatten them or use named conditions`,
    )
    return
  }
  if (!isObject(node)) {
    issue(
      ctx,
      'invalid_type',
      path,
      'a condition must be an object: { "all": [...] }, { "any": [...] }, { "not": {...} }, { "condition": "name" } or { "fact", "operator", "value" }',
    )
    return
  }
  const kinds = [
    ...BOOLEAN_KEYS.filter((k) => hasOwn(node, k)),
    ...(['condition', 'fact'] as const).filter((k) => hasOwn(node, k)),
  ]
  if (kinds.length > 1) {
    issue(
      ctx,
      'ambiguous_condition',
      path,
      `a condition holds exactly one of all, any, not, condition, fact; this one has ${kinds.join(' and ')}`,
    )
    return
  }
  const kind = kinds[0]
  if (kind === undefined) {
    issue(
      ctx,
      'invalid_condition',
      path,
      'a condition needs one of: all, any, not, condition (a reference), or fact + operator + value',
    )
    return
  }
  if (kind === 'fact') {
    if (topLevel) {
      issue(
        ctx,
        'invalid_condition',
        path,
        'the root of "conditions" must be all, any, not or condition; wrap this one in { "all": [ ... ] }',
      )
      return
    }
    checkLeaf(ctx, node, path)
    return
  }
  for (const k of Object.keys(node)) {
    if (k !== kind && k !== 'priority' && k !== 'name') {
      issue(
        ctx,
        'unrecognized_keys',
        [...path, k],
        `unknown key "${k}" next to "${kind}"; allowed: priority, name`,
      )
    }
  }
  checkPriority(ctx, node, path)
  if (kind === 'condition') {
    const name = node.condition
    if (typeof name !== 'string' || name === '') {
      issue(
        ctx,
        'invalid_type',
        [...path, 'condition'],
        'condition must be the name of an entry of the file\'s "conditions"',
      )
    } else if (!hasOwn(ctx.named, name) && !ctx.allowUndefinedConditions) {
      const known = Object.keys(ctx.named)
      issue(
        ctx,
        'unknown_condition',
        [...path, 'condition'],
        `no condition named "${name}"; ${known.length ? `defined: ${known.join(', ')}` : 'add it under the top-level "conditions"'}`,
        { condition: name },
      )
    }
    return
  }
  const sub = node[kind]
  if (kind === 'not') {
    if (Array.isArray(sub)) {
      issue(
        ctx,
        'invalid_type',
        [...path, 'not'],
        '"not" takes one condition, not an array; wrap several in { "all": [...] }',
      )
      return
    }
    checkCondition(ctx, sub, [...path, 'not'], depth + 1, false)
    return
  }
  if (!Array.isArray(sub)) {
    issue(ctx, 'invalid_type', [...path, kind], `"${kind}" takes an array of conditions`)
    return
  }
  for (let i = 0; i < sub.length; i++) checkCondition(ctx, sub[i], [...path, kind, i], depth + 1, false)
}

// Stops at `maxDepth`: deeper nodes are already reported as too_deep, and following them would
// overflow the stack on a hostile file.
function referencesOf(node: unknown, out: Set<string>, maxDepth: number, depth = 0): Set<string> {
  if (!isObject(node) || depth > maxDepth) return out
  if (typeof node.condition === 'string') out.add(node.condition)
  for (const k of BOOLEAN_KEYS) {
    const sub = node[k]
    if (Array.isArray(sub)) for (const c of sub) referencesOf(c, out, maxDepth, depth + 1)
    else if (sub !== undefined) referencesOf(sub, out, maxDepth, depth + 1)
  }
  return out
}

function checkCycles(ctx: Ctx, at: IssuePath) {
  const graph = new Map<string, string[]>()
  for (const [name, c] of Object.entries(ctx.named))
    graph.set(name, [...referencesOf(c, new Set(), ctx.limits.maxDepth)])
  const state = new Map<string, 'visiting' | 'done'>()
  const reported = new Set<string>()
  const visit = (name: string, stack: string[]) => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name]
      const key = [...cycle].sort().join('|')
      if (!reported.has(key)) {
        reported.add(key)
        issue(
          ctx,
          'condition_cycle',
          [...at, name],
          `named conditions refer to each other in a cycle: ${cycle.join(' → ')}; break the cycle`,
          { cycle },
        )
      }
      return
    }
    state.set(name, 'visiting')
    for (const next of graph.get(name) ?? []) if (graph.has(next)) visit(next, [...stack, name])
    state.set(name, 'done')
  }
  for (const name of graph.keys()) visit(name, [])
}

/** Internal: a validation context for one file. */
export function createValidationContext(
  options: ValidateOptions,
  named: unknown,
  registry?: OperatorRegistry,
): Ctx {
  return {
    issues: [],
    registry: registry ?? createOperatorRegistry(options),
    facts: options.facts ? new Set(options.facts) : undefined,
    named: isObject(named) ? named : {},
    allowUndefinedConditions: options.allowUndefinedConditions ?? false,
    limits: { ...defaultRuleLimits, ...options.limits },
    nodes: 0,
  }
}

/**
 * Internal: checks the condition trees of a file (its roots and its named conditions). The caller
 * has checked the rest of the file's shape.
 */
export function checkConditionTrees(
  ctx: Ctx,
  roots: ReadonlyArray<{ node: unknown; path: IssuePath }>,
): void {
  if (roots.length > ctx.limits.maxRules) {
    issue(ctx, 'too_large', [], `more than ${ctx.limits.maxRules} rules; split the file`)
    return
  }
  for (const name of Object.keys(ctx.named)) {
    if (FORBIDDEN_KEYS.has(name))
      issue(
        ctx,
        'forbidden_path',
        ['conditions', name],
        `the condition name "${name}" is forbidden; rename it`,
      )
    checkCondition(ctx, ctx.named[name], ['conditions', name], 0, true)
  }
  checkCycles(ctx, ['conditions'])
  for (const { node, path } of roots) checkCondition(ctx, node, path, 0, true)
}

/** Internal: throws `RULES_INVALID` when there are issues. */
export function throwIfIssues(issues: ParleyIssue[], what: string): void {
  if (issues.length === 0) return
  const shown = issues.slice(0, 20).map((i) => `  ${formatAt(i.path)}: ${i.message}`)
  if (issues.length > 20) shown.push(`  ... and ${issues.length - 20} more`)
  throw new ParleyError(
    'RULES_INVALID',
    `${what} is invalid (${issues.length} issue${issues.length > 1 ? 's' : ''}):\n${shown.join('\n')}`,
    { issues },
  )
}

function formatAt(path: IssuePath): string {
  return path.length === 0
    ? '(root)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '')
}

/** Internal: zod shape check of a file whose condition trees are checked separately. */
export function checkShape(ctx: Ctx, schema: z.ZodType, input: unknown): boolean {
  const r = schema.safeParse(input)
  if (!r.success) ctx.issues.push(...fromZodIssues(r.error.issues as never))
  return r.success
}
