// Samples of docs/rules.md. Type-checked, and run by docs/examples/rules.test.ts.
import { readFileSync } from 'node:fs'
// #region imports
import {
  compile,
  createModerator,
  createRouter,
  createSegmenter,
  type GroupsFile,
  type ModerationFile,
  manualClock,
  type RoutingFile,
  type RuleSet,
  rulesJsonSchema,
  validateRules,
} from '@parley/core'

// #endregion imports

const read = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as T

/** Runs the samples of the rules reference; returns what the test checks. */
export function rulesSamples() {
  const text = readFileSync(new URL('../../examples/rules/refunds.json', import.meta.url), 'utf8')
  const facts = { amountSpent: 900, address: { country: 'FR' } }

  // #region compile
  const ruleSet: RuleSet = validateRules(JSON.parse(text)) // RULES_INVALID with JSON paths on a bad file
  const rules = compile(ruleSet, { allowUndefinedFacts: true })
  const result = rules.run(facts) // { events: [...], failureEvents: [...] }, synchronous
  const why = rules.explain(facts) // each condition: fact value, operator, verdict
  const schema = rulesJsonSchema('groups') // JSON Schema for editors
  // #endregion compile

  // #region operators
  const custom = compile(
    {
      rules: [
        {
          conditions: { all: [{ fact: 'sku', operator: 'startsWith', value: 'TEA-' }] },
          event: { type: 'tea' },
        },
      ],
    },
    {
      operators: {
        startsWith: {
          evaluate: (fact, value) => typeof fact === 'string' && fact.startsWith(String(value)),
          validateValue: (value) => (typeof value === 'string' ? undefined : 'startsWith takes a string'),
        },
      },
    },
  )
  custom.run({ sku: 'TEA-042' }) // { events: [{ type: 'tea' }], failureEvents: [] }
  // #endregion operators

  const groupsFile = read<GroupsFile>('examples/rules/groups.json')
  const customer = read<Record<string, unknown>>('examples/rules/customer.json') as { id: string }
  // #region segment
  const clock = manualClock(new Date('2026-12-01T00:00:00Z')) // relative dates (-90d) count from it
  const segmenter = createSegmenter(groupsFile, { clock })
  const groups = segmenter.groupsOf(customer) // group ids, synchronous
  const vip = segmenter.explain(customer, 'vip') // { matched, conditions: { children: [{ fact, factValue, value, result }] } }
  // for await (const { customer, groups } of segmenter.segmentMany(stream, { onProgress })) { ... }
  // #endregion segment

  const moderationFile = read<ModerationFile>('examples/rules/moderation.json')
  // #region moderate
  const { moderate } = createModerator(moderationFile, { contactDetails: 'hold' })
  const verdict = moderate({
    kind: 'review',
    text: 'Great tea, write me at tea.lover@example.com',
    rating: 5,
    author: { accountAgeDays: 2, rejectedCount: 0 },
  })
  // { decision: 'approve' | 'reject' | 'flag', reasons: [...], matches: [...], maskedText? }
  // #endregion moderate

  const routingFile = read<RoutingFile>('examples/rules/routing.json')
  // #region route
  const router = createRouter(routingFile)
  const route = router.route({ category: 'delivery', orderTotal: 2500 }, ['vip']) // { priority, queue, slaPolicy, matched }
  // #endregion route

  return { result, why, schema, groups, vip, verdict, route, custom: custom.run({ sku: 'TEA-042' }) }
}
