/** What a moderation function looks at: the kind of content and its fields. */
export interface ModerationContent {
  readonly kind: 'listing' | 'review'
  readonly fields: Readonly<Record<string, unknown>>
}

/** A moderation verdict: approve, reject, or flag for an operator, with the reasons. */
export interface ModerationDecision {
  readonly decision: 'approve' | 'reject' | 'flag'
  readonly reasons: readonly string[]
}

/**
 * A synchronous moderation function, typically `compile(ruleSet).run(facts)` from the rules
 * module mapped to a decision.
 */
export type Moderate = (content: ModerationContent) => ModerationDecision

/** The default moderation: everything goes to an operator. */
export const manualReview: Moderate = () => ({ decision: 'flag', reasons: ['manualReview'] })

/**
 * Runs `moderate`, degrading to manual review when it throws or answers something unexpected:
 * a broken rule set must not publish or reject content on its own.
 */
export function runModeration(moderate: Moderate, content: ModerationContent): ModerationDecision {
  try {
    const verdict = moderate(content)
    if (verdict && ['approve', 'reject', 'flag'].includes(verdict.decision)) {
      return { decision: verdict.decision, reasons: [...(verdict.reasons ?? [])].map(String) }
    }
    return { decision: 'flag', reasons: ['moderationInvalid'] }
  } catch {
    return { decision: 'flag', reasons: ['moderationFailed'] }
  }
}
