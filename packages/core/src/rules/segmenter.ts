/**
 * Customer groups: a file of groups, each a json-rules-engine condition tree over a customer
 * profile, compiled once; then `groupsOf(customer)` is a synchronous function call.
 */
import { z } from 'zod'
import { type Clock, systemClock } from '../time/clock'
import { compileProgram } from './compile'
import type { RuleLimits } from './condition-checks'
import type { ConditionExplanation } from './explain'
import { createOperatorRegistry, type OperatorOptions } from './operators'
import { buildProgram } from './program'
import { dateOperators } from './relative-date'
import { checkRuleFile } from './rule-file'
import { groupSchema } from './schema'
import type { RuleSet, TopLevelCondition } from './types'

/**
 * A customer profile as segment builders (Shopify's customer segments) describe it. Dates are
 * epoch ms, `Date`s or ISO strings. Other keys are allowed and usable when declared in `facts`.
 */
export interface CustomerProfile {
  id: string
  email?: string
  /** Total spent, in the shop's currency. */
  amountSpent?: number
  numberOfOrders?: number
  firstOrderDate?: number | string | Date | null
  lastOrderDate?: number | string | Date | null
  createdAt?: number | string | Date | null
  tags?: readonly string[]
  /** ISO 3166-1 alpha-2 codes of the customer's addresses. */
  countries?: readonly string[]
  emailSubscription?: 'subscribed' | 'not_subscribed' | 'pending' | 'unsubscribed'
  /** Ids (or handles) of products bought. */
  productsPurchased?: readonly string[]
  locale?: string
  [fact: string]: unknown
}

/** The facts a groups file may use without declaring them. */
export const customerFacts: readonly string[] = [
  'id',
  'email',
  'amountSpent',
  'numberOfOrders',
  'firstOrderDate',
  'lastOrderDate',
  'createdAt',
  'tags',
  'countries',
  'emailSubscription',
  'productsPurchased',
  'locale',
]

/** One customer group of a groups file. */
export interface CustomerGroup {
  id: string
  name: string
  description?: string
  conditions: TopLevelCondition
  /** Groups of higher priority are listed first by `groupsOf`. @default 1 */
  priority?: number
}

/** A customer-groups file. */
export interface GroupsFile {
  groups: CustomerGroup[]
  conditions?: Record<string, TopLevelCondition>
}

/** Options of {@link createSegmenter}. */
export interface SegmenterOptions extends OperatorOptions {
  /** Resolves relative dates (`-30d`, `today`). @default the system clock */
  clock?: Clock
  /** Facts beyond {@link customerFacts} that groups may use. */
  facts?: readonly string[]
  /** Overrides of the size limits. */
  limits?: Partial<RuleLimits>
  /** Evaluate with generated code when the host allows it. @default true */
  codegen?: boolean
}

/** Why a customer is or is not in a group. */
export interface GroupExplanation {
  readonly groupId: string
  readonly name: string
  readonly matched: boolean
  /** Set when a condition could not be evaluated; the customer is then not in the group. */
  readonly error?: string
  /** Each condition with the fact value found and its verdict. */
  readonly conditions: ConditionExplanation
}

/** Progress of {@link Segmenter.segmentMany}. */
export interface SegmentProgress {
  /** Customers processed so far. */
  readonly processed: number
  /** Customers per group so far, by group id. */
  readonly counts: Readonly<Record<string, number>>
}

/** Options of {@link Segmenter.segmentMany}. */
export interface SegmentManyOptions {
  /** Called every `progressEvery` customers and once at the end. */
  onProgress?: (progress: SegmentProgress) => void
  /** @default 1000 */
  progressEvery?: number
  /** Stops the iteration when aborted. */
  signal?: AbortSignal
}

/** A compiled groups file. */
export interface Segmenter {
  /** The groups, in file order. */
  readonly groups: ReadonlyArray<Pick<CustomerGroup, 'id' | 'name' | 'description'>>
  /** The ids of the customer's groups: highest priority first, then file order. Synchronous. */
  groupsOf(customer: CustomerProfile): string[]
  /** Each condition of the group with the fact value found and its verdict. */
  explain(customer: CustomerProfile, groupId: string): GroupExplanation
  /** Segments a (possibly async) stream of customers, yielding each with its groups. */
  segmentMany(
    customers: Iterable<CustomerProfile> | AsyncIterable<CustomerProfile>,
    options?: SegmentManyOptions,
  ): AsyncGenerator<{ customer: CustomerProfile; groups: string[] }>
}

const groupsShell = z.strictObject({
  $schema: z.string().optional(),
  groups: z.array(groupSchema.extend({ conditions: z.unknown() })),
  conditions: z.record(z.string(), z.unknown()).optional(),
})

/**
 * Validates and compiles a customer-groups file.
 * @throws ParleyError `RULES_INVALID` with the JSON path of each fault.
 * @example
 * const segmenter = createSegmenter({ groups: [{ id: 'vip', name: 'VIP', conditions: { all: [
 *   { fact: 'amountSpent', operator: 'greaterThanInclusive', value: 1000 },
 *   { fact: 'lastOrderDate', operator: 'dateAfter', value: '-90d' } ] } }] })
 * segmenter.groupsOf(customer) // ['vip']
 */
export function createSegmenter(file: GroupsFile, options: SegmenterOptions = {}): Segmenter {
  const clock = options.clock ?? systemClock
  // one `now` per customer, so every relative date of one evaluation agrees
  let now = 0
  const snapshot: Clock = { now: () => now }
  const registry = createOperatorRegistry({ operators: dateOperators(snapshot) }, options)
  const input = file as unknown
  checkRuleFile<GroupsFile>(input, {
    shell: groupsShell,
    label: 'The customer-groups file',
    registry,
    facts: [...customerFacts, ...(options.facts ?? [])],
    ...(options.limits ? { limits: options.limits } : {}),
    extra: (ctx) => {
      const seen = new Map<string, number>()
      file.groups.forEach((g, i) => {
        const first = seen.get(g.id)
        if (first !== undefined) {
          ctx.issues.push({
            code: 'duplicate_id',
            path: ['groups', i, 'id'],
            message: `group id "${g.id}" is already used by groups[${first}]; ids must be unique`,
          })
        } else seen.set(g.id, i)
      })
    },
    trees: (f) => f.groups.map((g, i) => ({ node: g.conditions, path: ['groups', i, 'conditions'] })),
  })

  const ruleSet: RuleSet = {
    rules: file.groups.map((g) => ({
      conditions: g.conditions,
      event: { type: g.id },
      ...(g.priority === undefined ? {} : { priority: g.priority }),
    })),
    ...(file.conditions ? { conditions: file.conditions } : {}),
  }
  const compiled = compileProgram(buildProgram(ruleSet, { registry }, 'groups'), {
    allowUndefinedFacts: true,
    ...(options.codegen === undefined ? {} : { codegen: options.codegen }),
  })
  const ids = file.groups.map((g) => g.id)
  const byId = new Map(file.groups.map((g, i) => [g.id, i]))

  const groupsOf = (customer: CustomerProfile): string[] => {
    now = clock.now()
    const matched = compiled.matching(customer)
    const out = new Array<string>(matched.length)
    for (let i = 0; i < matched.length; i++) out[i] = ids[matched[i]!]!
    return out
  }

  return {
    groups: file.groups.map((g) => ({
      id: g.id,
      name: g.name,
      ...(g.description === undefined ? {} : { description: g.description }),
    })),
    groupsOf,
    explain(customer, groupId) {
      const index = byId.get(groupId)
      if (index === undefined) throw new RangeError(`no group "${groupId}"; groups are: ${ids.join(', ')}`)
      now = clock.now()
      const r = compiled.explain(customer).find((e) => e.index === index)!
      return {
        groupId,
        name: file.groups[index]!.name,
        matched: r.result,
        conditions: r.conditions,
        ...(r.error === undefined ? {} : { error: r.error }),
      }
    },
    async *segmentMany(customers, options = {}) {
      const every = options.progressEvery ?? 1000
      const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]))
      let processed = 0
      for await (const customer of customers as AsyncIterable<CustomerProfile>) {
        if (options.signal?.aborted) break
        const groups = groupsOf(customer)
        for (const g of groups) counts[g]!++
        processed++
        if (options.onProgress && processed % every === 0)
          options.onProgress({ processed, counts: { ...counts } })
        yield { customer, groups }
      }
      options.onProgress?.({ processed, counts: { ...counts } })
    },
  }
}
