import { type DeadlineArgs, defineWorkflow, ParleyError, type WorkflowDefinition } from '@parley/core'
import { checkDurations, dueAfter } from '../shared/timing'
import { type ListingModerationContext, listingModerationMachine } from './machine'
import type { ListingModerationPolicy } from './policy'
import { type ListingInput, listingEmits, listingInput, listingEventSchemas as s } from './schemas'

/** Stable name of the listing moderation workflow. */
export const LISTING_MODERATION = 'listingModeration'

/**
 * The moderation lifecycle of a product sheet, before and after publication: rules decide on
 * submit, operators review what the rules flag, buyers' reports send a listing back to review.
 * @example
 * const engine = createEngine({ workflows: [listingModeration({ moderate: (c) => verdictFromRules(c) })] })
 * await engine.open('listingModeration', { parties: { seller: 's1' }, listingId: 'l1', fields: { title: 'Lamp' } }, { actor: seller })
 */
export function listingModeration(
  policy: ListingModerationPolicy = {},
): WorkflowDefinition<ListingInput, ListingModerationContext> {
  const changesWindow = policy.changesWindow ?? 'P14D'
  checkDurations(LISTING_MODERATION, { changesWindow })
  const threshold = policy.reportThreshold
  if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1)) {
    throw new ParleyError(
      'VALIDATION',
      `Invalid listingModeration policy: reportThreshold is ${threshold}; use a positive integer.`,
      {
        issues: [
          { code: 'too_small', path: ['policy', 'reportThreshold'], message: 'expected a positive integer' },
        ],
      },
    )
  }
  return defineWorkflow<ListingInput, ListingModerationContext>({
    name: LISTING_MODERATION,
    version: 1,
    description:
      'A product sheet from draft to publication and after: the moderation rules approve, reject or flag it on submit, resubmit and on edits of moderated fields; an operator reviews flagged listings (pendingReview is Mirakl\'s "to review"), requests per-field changes, rejects, suspends or reinstates; reports from buyers past a threshold send it back to review.',
    machine: listingModerationMachine(policy),
    input: listingInput,
    openRoles: ['seller', 'operator'],
    events: {
      edit: {
        schema: s.edit,
        roles: ['seller'],
        description:
          'Seller edits fields; on a published listing, a moderated field goes back through the rules.',
      },
      submit: {
        schema: s.submit,
        roles: ['seller'],
        description: 'Seller submits the draft → rules decide.',
      },
      resubmit: {
        schema: s.resubmit,
        roles: ['seller'],
        description: 'Seller resubmits after changes → rules decide.',
      },
      approve: { schema: s.approve, roles: ['operator'], description: 'Operator accepts → published.' },
      requestChanges: {
        schema: s.requestChanges,
        roles: ['operator'],
        description:
          'Operator asks for changes (reason code, message, per-field comments) → changesRequested.',
      },
      reject: {
        schema: s.reject,
        roles: ['operator'],
        description: 'Operator refuses (reason code, message) → rejected.',
      },
      report: {
        schema: s.report,
        roles: ['buyer', 'operator', 'system'],
        // Any buyer of the marketplace may report a published listing: not only parties.
        requireParty: false,
        authorize: (payload, actor) =>
          actor.role === 'buyer' && payload.reporterId !== actor.id
            ? 'a buyer reports in their own name'
            : null,
        description:
          "A buyer reports a published listing (or the backend / an operator on a buyer's behalf); at the threshold → pendingReview.",
      },
      suspend: {
        schema: s.suspend,
        roles: ['operator'],
        description: 'Operator takes it offline → suspended.',
      },
      reinstate: {
        schema: s.reinstate,
        roles: ['operator'],
        description: 'Operator puts it back online → published.',
      },
    },
    deadlines: {
      changesRequested: {
        changesDue: {
          due: ({ enteredAt }: DeadlineArgs<ListingModerationContext>) =>
            dueAfter(enteredAt, changesWindow, policy.calendar),
          description: 'Changes not made in time → expired.',
        },
      },
    },
    emits: listingEmits,
  })
}
