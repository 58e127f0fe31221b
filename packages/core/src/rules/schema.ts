/**
 * zod schemas of the rule files. They type-check the shape; `validateRules` adds what a schema
 * cannot say (operators, facts, references, cycles, limits) and reports every fault with its path.
 */
import { z } from 'zod'
import type { Condition, RuleSet, TopLevelCondition } from './types'

const priority = z.number().int().positive().describe('Higher runs first. @default 1')
const label = z.string().describe('A label shown by explain')

/** `params` of a fact or event: a JSON object. */
export const paramsSchema = z.record(z.string(), z.unknown())

/** A fact read used as a condition's value: `{ "fact": "x", "path"?: "$.a" }`. */
export const factReferenceSchema = z.strictObject({
  fact: z.string().min(1),
  path: z.string().optional(),
  params: paramsSchema.optional(),
})

/** A leaf condition. */
export const factConditionSchema = z.strictObject({
  fact: z.string().min(1).describe('The fact name'),
  operator: z.string().min(1).describe('equal, notEqual, in, notIn, contains, doesNotContain, lessThan, ...'),
  value: z.unknown().describe('A literal, or { "fact": "other" }'),
  path: z.string().optional().describe("JSONPath subset: $.a.b, $.a[0], $['a b'], $.a[*]"),
  params: paramsSchema.optional(),
  priority: priority.optional(),
  name: label.optional(),
})

/** Any condition node (recursive). */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([factConditionSchema, allSchema, anySchema, notSchema, conditionReferenceSchema]),
)

const allSchema = z.strictObject({
  all: z.array(conditionSchema),
  priority: priority.optional(),
  name: label.optional(),
})
const anySchema = z.strictObject({
  any: z.array(conditionSchema),
  priority: priority.optional(),
  name: label.optional(),
})
const notSchema = z.strictObject({
  not: conditionSchema,
  priority: priority.optional(),
  name: label.optional(),
})

/** `{ "condition": "name" }`. */
export const conditionReferenceSchema = z.strictObject({
  condition: z.string().min(1),
  priority: priority.optional(),
  name: label.optional(),
})

/** The root of a rule's conditions. */
export const topLevelConditionSchema: z.ZodType<TopLevelCondition> = z.union([
  allSchema,
  anySchema,
  notSchema,
  conditionReferenceSchema,
])

/** A rule's event. */
export const eventSchema = z.strictObject({ type: z.string().min(1), params: paramsSchema.optional() })

/** One rule. */
export const ruleSchema = z.strictObject({
  conditions: topLevelConditionSchema,
  event: eventSchema,
  priority: priority.optional(),
  name: label.optional(),
})

/** A rule file. */
export const ruleSetSchema: z.ZodType<RuleSet> = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  rules: z.array(ruleSchema),
  conditions: z.record(z.string(), topLevelConditionSchema).optional(),
}) as z.ZodType<RuleSet>

/** One customer group. */
export const groupSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  description: z.string().optional(),
  conditions: topLevelConditionSchema,
  priority: priority.optional(),
})

/** A customer-groups file. */
export const groupsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  groups: z.array(groupSchema),
  conditions: z.record(z.string(), topLevelConditionSchema).optional(),
})

/** The three moderation outcomes. */
export const decisionSchema = z.enum(['approve', 'reject', 'flag'])

/** One moderation rule: conditions → decision + reason code. */
export const moderationRuleSchema = z.strictObject({
  conditions: topLevelConditionSchema,
  decision: decisionSchema,
  reason: z.string().min(1).describe('A stable reason code, e.g. "contact-details"'),
  priority: priority.optional(),
  name: label.optional(),
})

/** A moderation-rules file. */
export const moderationFileSchema = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(moderationRuleSchema),
  conditions: z.record(z.string(), topLevelConditionSchema).optional(),
  wordLists: z
    .record(z.string(), z.array(z.string()))
    .optional()
    .describe('Named word lists for containsAnyWord'),
  default: decisionSchema.optional().describe('Decision when no rule matches. @default "approve"'),
})

/** One routing rule: conditions → the fields it sets. */
export const routingRuleSchema = z.strictObject({
  conditions: topLevelConditionSchema,
  set: z.strictObject({
    priority: z.string().min(1).optional(),
    queue: z.string().min(1).optional(),
    slaPolicy: z.string().min(1).optional(),
  }),
  priority: priority.optional(),
  name: label.optional(),
})

/** A routing-rules file. */
export const routingFileSchema = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(routingRuleSchema),
  conditions: z.record(z.string(), topLevelConditionSchema).optional(),
  defaults: z.strictObject({ priority: z.string(), queue: z.string(), slaPolicy: z.string() }),
})

/** Which file kind `rulesJsonSchema` describes. */
export type RulesFileKind = 'rules' | 'groups' | 'moderation' | 'routing'

const byKind = {
  rules: ruleSetSchema,
  groups: groupsFileSchema,
  moderation: moderationFileSchema,
  routing: routingFileSchema,
} as const

/**
 * The JSON Schema (draft 2020-12) of a rule file, for editors and `parley rules schema`.
 * @param kind which file @default 'rules'
 * @example
 * writeFileSync('rules.schema.json', JSON.stringify(rulesJsonSchema(), null, 2))
 */
export function rulesJsonSchema(kind: RulesFileKind = 'rules'): Record<string, unknown> {
  return z.toJSONSchema(byKind[kind], { unrepresentable: 'any' }) as Record<string, unknown>
}
