import type { z } from 'zod'
import type { IssuePath } from '../errors/parley-error'
import {
  type Ctx,
  checkConditionTrees,
  checkShape,
  createValidationContext,
  type RuleLimits,
  throwIfIssues,
} from './condition-checks'
import type { OperatorRegistry } from './operators'

/** What validating one kind of rule file (customer groups, moderation, routing) takes. */
export interface RuleFileSpec<T> {
  /** zod shape of the file; its condition trees are checked separately, with paths. */
  readonly shell: z.ZodType
  /** Subject of the error message: `The routing file`. */
  readonly label: string
  readonly registry: OperatorRegistry
  /** The facts the file may read; absent: any. */
  readonly facts?: readonly string[]
  readonly limits?: Partial<RuleLimits>
  /** The condition trees of a well-shaped file, with their JSON paths. */
  readonly trees: (file: T) => ReadonlyArray<{ node: unknown; path: IssuePath }>
  /** Checks beyond the shape and the conditions (unique ids), run before the conditions. */
  readonly extra?: (ctx: Ctx, file: T) => void
}

/**
 * Validates a rule file: its shape, the shared named conditions, then every condition tree.
 * @throws ParleyError `RULES_INVALID` listing every fault with its JSON path.
 */
export function checkRuleFile<T>(input: unknown, spec: RuleFileSpec<T>): T {
  const named =
    typeof input === 'object' && input !== null ? (input as { conditions?: unknown }).conditions : undefined
  const ctx = createValidationContext(
    { ...(spec.facts ? { facts: spec.facts } : {}), ...(spec.limits ? { limits: spec.limits } : {}) },
    named,
    spec.registry,
  )
  if (checkShape(ctx, spec.shell, input)) {
    spec.extra?.(ctx, input as T)
    checkConditionTrees(ctx, spec.trees(input as T))
  }
  throwIfIssues(ctx.issues, spec.label)
  return input as T
}
