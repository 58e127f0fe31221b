/**
 * Routing rules: from a ticket and its buyer's groups to a priority, a queue and an SLA policy name.
 * Each field is set by the first matching rule that sets it (rules by priority, then file order);
 * fields no rule sets keep the file's defaults.
 */
import { z } from 'zod'
import { compileProgram } from './compile'
import type { RuleLimits } from './condition-checks'
import type { RuleExplanation } from './explain'
import { createOperatorRegistry, type OperatorOptions } from './operators'
import { buildProgram } from './program'
import { checkRuleFile } from './rule-file'
import { routingRuleSchema } from './schema'
import type { RuleSet, TopLevelCondition } from './types'

/** Where a ticket goes. */
export interface Route {
  priority: string
  queue: string
  slaPolicy: string
}

/** One routing rule. */
export interface RoutingRule {
  conditions: TopLevelCondition
  set: Partial<Route>
  priority?: number
  name?: string
}

/** A routing-rules file. */
export interface RoutingFile {
  rules: RoutingRule[]
  conditions?: Record<string, TopLevelCondition>
  defaults: Route
}

/** Options of {@link createRouter}. */
export interface RouterOptions extends OperatorOptions {
  /** The ticket facts rules may read, besides `groups`; when given, other names are errors. */
  facts?: readonly string[]
  limits?: Partial<RuleLimits>
}

/** A routing decision with the rules that made it. */
export interface RouteResult extends Route {
  /** Indexes of the matching rules, in run order. */
  matched: number[]
}

/** A compiled routing file. */
export interface Router {
  /** Routes a ticket; `groups` are the buyer's customer groups (fact `groups`). Synchronous. */
  route(ticket: Readonly<Record<string, unknown>>, groups?: readonly string[]): RouteResult
  explain(ticket: Readonly<Record<string, unknown>>, groups?: readonly string[]): RuleExplanation[]
}

const routingShell = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(routingRuleSchema.extend({ conditions: z.unknown() })),
  conditions: z.record(z.string(), z.unknown()).optional(),
  defaults: z.strictObject({ priority: z.string(), queue: z.string(), slaPolicy: z.string() }),
})

/**
 * Validates and compiles a routing file.
 * @throws ParleyError `RULES_INVALID`
 * @example
 * const router = createRouter({ defaults: { priority: 'normal', queue: 'general', slaPolicy: 'standard' },
 *   rules: [{ set: { priority: 'high', queue: 'vip' },
 *     conditions: { all: [{ fact: 'groups', operator: 'contains', value: 'vip' }] } }] })
 * router.route({ category: 'delivery' }, ['vip']) // { priority: 'high', queue: 'vip', slaPolicy: 'standard', ... }
 */
export function createRouter(file: RoutingFile, options: RouterOptions = {}): Router {
  const input = file as unknown
  const registry = createOperatorRegistry(options)
  checkRuleFile<RoutingFile>(input, {
    shell: routingShell,
    label: 'The routing file',
    registry,
    ...(options.facts ? { facts: ['groups', ...options.facts] } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    trees: (f) => f.rules.map((r, i) => ({ node: r.conditions, path: ['rules', i, 'conditions'] })),
  })
  const ruleSet: RuleSet = {
    rules: file.rules.map((r, i) => ({
      conditions: r.conditions,
      event: { type: `rule-${i}` },
      ...(r.priority === undefined ? {} : { priority: r.priority }),
      ...(r.name === undefined ? {} : { name: r.name }),
    })),
    ...(file.conditions ? { conditions: file.conditions } : {}),
  }
  const compiled = compileProgram(buildProgram(ruleSet, { registry }), { allowUndefinedFacts: true })
  const facts = (ticket: Readonly<Record<string, unknown>>, groups: readonly string[]) => ({
    ...ticket,
    groups,
  })
  return {
    route(ticket, groups = []) {
      const matched = compiled.matching(facts(ticket ?? {}, groups))
      const out: Route = { ...file.defaults }
      const done = new Set<keyof Route>()
      for (const i of matched) {
        for (const [k, v] of Object.entries(file.rules[i]!.set) as Array<[keyof Route, string]>) {
          if (!done.has(k)) {
            out[k] = v
            done.add(k)
          }
        }
      }
      return { ...out, matched }
    },
    explain(ticket, groups = []) {
      return compiled.explain(facts(ticket ?? {}, groups))
    },
  }
}
