import { type DeadlineArgs, defineWorkflow, messageEvent, type WorkflowDefinition } from '@parley/core'
import { checkDurations, dueAfter } from '../shared/timing'
import { type DisputeContext, disputeMachine } from './machine'
import { type DisputePolicy, resolveDisputePolicy } from './policy'
import { type DisputeInput, disputeEmits, disputeInput, disputeEventSchemas as s } from './schemas'

type Args = DeadlineArgs<DisputeContext>

/** Stable name of the dispute workflow. */
export const DISPUTE = 'dispute'

/**
 * The dispute lifecycle: a buyer disputes an order, the seller answers, the operator arbitrates.
 * @example
 * const engine = createEngine({ workflows: [dispute({ sellerResponseWindow: 'P2D' })] })
 * await engine.open('dispute', { parties: { buyer: 'b1', seller: 's1' }, orderId: 'o1', orderTotal: 5000,
 *   currency: 'EUR', reason: 'damaged', remedy: 'fullRefund', description: 'Broken' }, { actor: buyer })
 */
export function dispute(policy: DisputePolicy = {}): WorkflowDefinition<DisputeInput, DisputeContext> {
  const p = resolveDisputePolicy(policy)
  checkDurations(DISPUTE, { ...p, calendar: undefined })
  const cal = p.calendar
  return defineWorkflow<DisputeInput, DisputeContext>({
    name: DISPUTE,
    version: 1,
    description:
      'A buyer disputes an order with a reason and a remedy; the seller accepts, offers or rejects within a window; the buyer accepts an offer or escalates; the operator asks for evidence and decides. Each party may appeal once.',
    machine: disputeMachine(p),
    input: disputeInput,
    openRoles: ['buyer', 'operator'],
    events: {
      post: messageEvent('Posts a message: public, internal note, or a side channel with the operator.'),
      accept: {
        schema: s.accept,
        roles: ['seller'],
        description: 'Seller grants the remedy → resolved (refund/return requested).',
      },
      offer: {
        schema: s.offer,
        roles: ['seller'],
        description: 'Seller offers a partial refund, replacement or return → awaitingBuyer.',
      },
      reject: {
        schema: s.reject,
        roles: ['seller'],
        description: 'Seller refuses with an explanation → awaitingBuyer.',
      },
      acceptOffer: {
        schema: s.acceptOffer,
        roles: ['buyer'],
        description: "Buyer takes the seller's offer → resolved.",
      },
      escalate: {
        schema: s.escalate,
        roles: ['buyer'],
        description: 'Buyer asks the operator to decide → escalated.',
      },
      requestEvidence: {
        schema: s.requestEvidence,
        roles: ['operator'],
        description: 'Operator asks one party for evidence, with a deadline (`within`, default policy).',
      },
      submitEvidence: {
        schema: s.submitEvidence,
        roles: ['buyer', 'seller'],
        description: 'A party adds evidence.',
      },
      decide: {
        schema: s.decide,
        roles: ['operator'],
        description: 'Operator decides: refundBuyer(amount), favorSeller or split(amount) → resolved.',
      },
      withdraw: {
        schema: s.withdraw,
        roles: ['buyer'],
        description: 'Buyer drops the dispute before a decision → withdrawn.',
      },
      appeal: {
        schema: s.appeal,
        roles: ['buyer', 'seller'],
        description: 'Once per party, inside the appeal window → escalated.',
      },
    },
    deadlines: {
      awaitingSeller: {
        sellerResponseDue: {
          due: ({ enteredAt }: Args) => dueAfter(enteredAt, p.sellerResponseWindow, cal),
          description: 'Seller did not answer → escalated.',
        },
      },
      awaitingBuyer: {
        buyerResponseDue: {
          due: ({ enteredAt }: Args) => dueAfter(enteredAt, p.buyerResponseWindow, cal),
          description: 'Buyer did not answer → closed.',
        },
      },
      escalated: {
        evidenceDue: {
          due: ({ context }: Args) => context.evidenceRequest?.dueAt ?? null,
          description: 'Requested evidence did not arrive; recorded as missed.',
        },
      },
      resolved: {
        appealWindowEnds: {
          due: ({ enteredAt }: Args) => dueAfter(enteredAt, p.appealWindow, cal),
          description: 'No appeal in time → closed.',
        },
      },
    },
    emits: disputeEmits,
  })
}
