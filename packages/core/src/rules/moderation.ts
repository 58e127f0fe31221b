/**
 * Moderation rules: a file of rules over a listing, review or message, each deciding `approve`,
 * `reject` or `flag` with a reason code. `createModerator(file).moderate(content)` is the synchronous
 * function the workflows call.
 */
import { z } from 'zod'
import { compileProgram } from './compile'
import type { RuleLimits } from './condition-checks'
import type { RuleExplanation } from './explain'
import { createOperatorRegistry, type OperatorOptions } from './operators'
import { buildProgram } from './program'
import { checkRuleFile } from './rule-file'
import { moderationRuleSchema } from './schema'
import { findContactDetails, maskContactDetails } from './text-checks'
import { textOperators } from './text-operators'
import type { RuleSet, TopLevelCondition } from './types'

/** A moderation outcome. `flag` holds the content for an operator. */
export type ModerationDecision = 'approve' | 'reject' | 'flag'

/**
 * What is moderated. The workflows pass `{ kind, fields }`: `fields` are read as if they were
 * top-level keys, so any extra fact (declared with the `facts` option) goes there.
 */
export interface ModerationContent {
  /** `listing`, `review` or `message`. */
  kind: 'listing' | 'review' | 'message'
  /** The body. `body` and `description` are read too, when present. */
  text?: string
  /** A listing's or review's fields, as the workflows pass them. */
  fields?: Readonly<Record<string, unknown>>
  /** A listing's or review's title, checked with the body. */
  title?: string
  /** A review's rating (1–5). */
  rating?: number
  /** The author's history, for rules such as "new accounts with two rejections are flagged". */
  author?: {
    id?: string
    accountAgeDays?: number
    /** Contents of this author already rejected / flagged / published. */
    rejectedCount?: number
    flaggedCount?: number
    publishedCount?: number
  }
}

/** The facts moderation rules read; derived from the content by {@link moderationFacts}. */
export const moderationFactNames: readonly string[] = [
  'kind',
  'text',
  'title',
  'body',
  'description',
  'rating',
  'author',
  'textLength',
  'containsEmail',
  'containsPhone',
  'containsUrl',
  'containsContactDetails',
]

/** One moderation rule. */
export interface ModerationRule {
  conditions: TopLevelCondition
  decision: ModerationDecision
  /** A stable reason code, e.g. `contact-details`, `banned-words`. */
  reason: string
  priority?: number
  name?: string
}

/** A moderation-rules file. */
export interface ModerationFile {
  rules: ModerationRule[]
  conditions?: Record<string, TopLevelCondition>
  /** Named word lists for `containsAnyWord`. */
  wordLists?: Record<string, string[]>
  /** The decision when no rule matches. @default 'approve' */
  default?: ModerationDecision
}

/** Options of {@link createModerator}. */
export interface ModeratorOptions extends OperatorOptions {
  /**
   * What to do with a buyer↔seller `message` that carries contact details: `hold` flags it for an
   * operator (reason `contact-details`), `mask` delivers it with the details replaced
   * (`maskedText`), `allow` leaves it to the rules.
   * @default 'hold'
   */
  contactDetails?: 'hold' | 'mask' | 'allow'
  /** Facts beyond {@link moderationFactNames} the rules may read (extra keys of the content). */
  facts?: readonly string[]
  limits?: Partial<RuleLimits>
}

/** The verdict on one content. */
export interface ModerationResult {
  decision: ModerationDecision
  /** Reason codes of the rules that led to the decision, highest priority first. */
  reasons: string[]
  /** Every rule that matched, with its decision. */
  matches: Array<{ rule: number; decision: ModerationDecision; reason: string }>
  /** The message with contact details replaced, when the policy is `mask` and some were found. */
  maskedText?: string
}

/** A compiled moderation file. */
export interface Moderator {
  /** Decides on one content. Synchronous; never throws on odd content. */
  moderate(content: ModerationContent): ModerationResult
  /** Each rule with each condition's value and verdict. */
  explain(content: ModerationContent): RuleExplanation[]
}

/** Derives the facts of a content: its fields plus the text checks. */
export function moderationFacts(content: ModerationContent): Record<string, unknown> {
  const { fields, ...rest } = (content ?? {}) as ModerationContent
  const flat: Record<string, unknown> =
    typeof fields === 'object' && fields !== null ? { ...fields, ...rest } : (rest as Record<string, unknown>)
  const isText = (t: unknown): t is string => typeof t === 'string'
  const body = [flat.text, flat.body, flat.description].filter(isText).join('\n')
  const whole = isText(flat.title) ? (body === '' ? flat.title : `${flat.title}\n${body}`) : body
  const found = findContactDetails(whole)
  return {
    ...flat,
    text: whole,
    textLength: body.length,
    containsEmail: found.some((m) => m.kind === 'email'),
    containsPhone: found.some((m) => m.kind === 'phone'),
    containsUrl: found.some((m) => m.kind === 'url'),
    containsContactDetails: found.length > 0,
  }
}

const SEVERITY: Record<ModerationDecision, number> = { approve: 0, flag: 1, reject: 2 }

const moderationShell = z.strictObject({
  $schema: z.string().optional(),
  rules: z.array(moderationRuleSchema.extend({ conditions: z.unknown() })),
  conditions: z.record(z.string(), z.unknown()).optional(),
  wordLists: z.record(z.string(), z.array(z.string())).optional(),
  default: z.enum(['approve', 'reject', 'flag']).optional(),
})

/**
 * Validates and compiles a moderation file. The decision is the most severe of the matching rules
 * (`reject` > `flag` > `approve`), or the file's `default`.
 * @throws ParleyError `RULES_INVALID`
 * @example
 * const { moderate } = createModerator({ rules: [{ decision: 'reject', reason: 'banned-words',
 *   conditions: { all: [{ fact: 'text', operator: 'containsAnyWord', value: ['arnaque', 'scam'] }] } }] })
 * moderate({ kind: 'review', text: 'Une ARNAQUE !' }) // { decision: 'reject', reasons: ['banned-words'], ... }
 */
export function createModerator(file: ModerationFile, options: ModeratorOptions = {}): Moderator {
  const input = file as unknown
  const wordLists =
    typeof input === 'object' && input !== null ? (input as ModerationFile).wordLists : undefined
  const registry = createOperatorRegistry({ operators: textOperators(usableWordLists(wordLists)) }, options)
  checkRuleFile<ModerationFile>(input, {
    shell: moderationShell,
    label: 'The moderation file',
    registry,
    facts: [...moderationFactNames, ...(options.facts ?? [])],
    ...(options.limits ? { limits: options.limits } : {}),
    trees: (f) => f.rules.map((r, i) => ({ node: r.conditions, path: ['rules', i, 'conditions'] })),
  })

  const ruleSet: RuleSet = {
    rules: file.rules.map((r) => ({
      conditions: r.conditions,
      event: { type: r.decision, params: { reason: r.reason } },
      ...(r.priority === undefined ? {} : { priority: r.priority }),
      ...(r.name === undefined ? {} : { name: r.name }),
    })),
    ...(file.conditions ? { conditions: file.conditions } : {}),
  }
  const compiled = compileProgram(buildProgram(ruleSet, { registry }), { allowUndefinedFacts: true })
  const policy = options.contactDetails ?? 'hold'
  const fallback = file.default ?? 'approve'

  return {
    moderate(content) {
      const facts = moderationFacts(content)
      const matches = compiled.matching(facts).map((i) => ({
        rule: i,
        decision: file.rules[i]!.decision,
        reason: file.rules[i]!.reason,
      }))
      let maskedText: string | undefined
      if (content?.kind === 'message' && facts.containsContactDetails === true) {
        if (policy === 'hold') matches.push({ rule: -1, decision: 'flag', reason: 'contact-details' })
        else if (policy === 'mask') maskedText = maskContactDetails(String(facts.text))
      }
      const masked = maskedText === undefined ? {} : { maskedText }
      if (matches.length === 0) return { decision: fallback, reasons: [], matches, ...masked }
      let decision: ModerationDecision = 'approve'
      for (const m of matches) if (SEVERITY[m.decision] > SEVERITY[decision]) decision = m.decision
      const reasons = [...new Set(matches.filter((m) => m.decision === decision).map((m) => m.reason))]
      return { decision, reasons, matches, ...masked }
    },
    explain(content) {
      return compiled.explain(moderationFacts(content))
    },
  }
}

/**
 * The word lists that are arrays of strings. The registry is built before validation (rules refer
 * to lists by name), so a malformed list must not crash it: the shape check reports it instead.
 */
function usableWordLists(v: unknown): Record<string, string[]> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {}
  return Object.fromEntries(
    Object.entries(v).filter(
      (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((w) => typeof w === 'string'),
    ),
  )
}
