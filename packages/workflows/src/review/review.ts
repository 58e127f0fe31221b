import { type DeadlineArgs, defineWorkflow, type WorkflowDefinition } from '@parley/core'
import { checkDurations, dueAfter } from '../shared/timing'
import { type ReviewContext, reviewMachine } from './machine'
import type { ReviewPolicy } from './policy'
import { type ReviewInput, reviewEmits, reviewInput, reviewEventSchemas as s } from './schemas'

type Args = DeadlineArgs<ReviewContext>

/** Stable name of the review workflow. */
export const REVIEW = 'review'

/**
 * The review lifecycle: a review request after delivery, the buyer's rating through moderation,
 * the seller's public reply, and contestation arbitrated by an operator. Optional double-blind
 * two-sided mode.
 * @example
 * const engine = createEngine({ workflows: [review({ doubleBlind: true })] })
 * await engine.open('review', { parties: { buyer: 'b1', seller: 's1' }, orderId: 'o1' }, { actor: operator })
 */
export function review(policy: ReviewPolicy = {}): WorkflowDefinition<ReviewInput, ReviewContext> {
  const expiresAfter = policy.requestExpiresAfter ?? 'P30D'
  checkDurations(REVIEW, { requestExpiresAfter: expiresAfter, evidenceWindow: policy.evidenceWindow })
  return defineWorkflow<ReviewInput, ReviewContext>({
    name: REVIEW,
    version: 1,
    description:
      "A review request opens after delivery and expires. The buyer's rating (1–5) goes through the moderation rules to published, pendingModeration or rejected. The seller may reply publicly (once, editable) and contest with a reason; the operator may ask the buyer to edit or bring evidence, then upholds (the same reason cannot be contested again) or removes.",
    machine: reviewMachine(policy),
    input: reviewInput,
    openRoles: ['buyer', 'operator', 'system'],
    events: {
      submit: {
        schema: s.submit,
        roles: ['buyer'],
        description: 'Buyer rates the seller (1–5, title, body) → rules.',
      },
      submitCounterpart: {
        schema: s.submitCounterpart,
        roles: ['seller'],
        description: 'Double-blind mode: seller reviews the buyer; both reveal when both are in.',
      },
      approve: {
        schema: s.approve,
        roles: ['operator'],
        description: 'Operator accepts a flagged review → published.',
      },
      reject: {
        schema: s.reject,
        roles: ['operator'],
        description: 'Operator refuses a flagged review → rejected.',
      },
      reply: {
        schema: s.reply,
        roles: ['seller'],
        description: 'Seller replies publicly; a second reply edits it.',
      },
      contest: {
        schema: s.contest,
        roles: ['seller'],
        description:
          'Seller contests with a reason and a note → contested (hidden for harmful content by default).',
      },
      requestEvidence: {
        schema: s.requestEvidence,
        roles: ['operator'],
        description: 'Operator asks the buyer to edit or bring evidence, with a deadline.',
      },
      edit: { schema: s.edit, roles: ['buyer'], description: 'Buyer edits the contested review.' },
      submitEvidence: { schema: s.submitEvidence, roles: ['buyer'], description: 'Buyer brings evidence.' },
      uphold: {
        schema: s.uphold,
        roles: ['operator'],
        description: 'Operator keeps the review → published.',
      },
      remove: {
        schema: s.remove,
        roles: ['operator'],
        description: 'Operator removes the review → removed.',
      },
    },
    deadlines: {
      requested: {
        requestExpires: {
          due: ({ enteredAt }: Args) => dueAfter(enteredAt, expiresAfter, policy.calendar),
          description: 'Request over: submitted review(s) reveal, else expired.',
        },
      },
      contested: {
        evidenceDue: {
          due: ({ context }: Args) => context.evidenceRequest?.dueAt ?? null,
          description: 'Buyer did not answer: removed (policy) or request dropped.',
        },
      },
    },
    emits: reviewEmits,
    // Double-blind: neither party sees the other's review before both are revealed.
    view: (context, viewer) => {
      if (context.revealed || viewer.role === 'operator' || viewer.role === 'system') return context
      return viewer.role === 'seller' ? { ...context, review: null } : { ...context, counterpart: null }
    },
  })
}
