import { z } from 'zod'
import {
  checkConditionTrees,
  checkShape,
  createValidationContext,
  issue,
  jsonDepth,
  throwIfIssues,
  type ValidateOptions,
} from './condition-checks'
import { eventSchema } from './schema'
import type { RuleSet } from './types'

export { defaultRuleLimits, type RuleLimits, type ValidateOptions } from './condition-checks'

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

const ruleShell = z.strictObject({
  conditions: z.unknown(),
  event: eventSchema,
  priority: z.number().int().positive().optional(),
  name: z.string().optional(),
})
const ruleSetShell = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  rules: z.array(ruleShell),
  conditions: z.record(z.string(), z.unknown()).optional(),
})

/**
 * Validates a rule file (`{ rules, conditions? }`) and returns it typed. Reports every fault at once.
 * @throws ParleyError `RULES_INVALID` with one issue per fault, each with the JSON path into the file.
 * @example
 * const ruleSet = validateRules(JSON.parse(text), { facts: ['amountSpent', 'tags'] })
 */
export function validateRules(input: unknown, options: ValidateOptions = {}): RuleSet {
  const ctx = createValidationContext(options, isObject(input) ? input.conditions : undefined)
  if (checkShape(ctx, ruleSetShell, input)) {
    const file = input as { rules: Array<{ conditions: unknown; event: { params?: unknown } }> }
    file.rules.forEach((r, i) => {
      if (r.event.params !== undefined && !jsonDepth(r.event.params, ctx.limits.maxDepth)) {
        issue(ctx, 'too_deep', ['rules', i, 'event', 'params'], 'event params are nested too deeply')
      }
    })
    checkConditionTrees(
      ctx,
      file.rules.map((r, i) => ({ node: r.conditions, path: ['rules', i, 'conditions'] })),
    )
  }
  throwIfIssues(ctx.issues, 'The rule file')
  return input as RuleSet
}
