import type { Actor, Message, WorkflowInput } from '@parley/core'
import { toMessage } from '@parley/core'
import { assign, emit, enqueueActions, setup } from 'xstate'
import type { DeadlineEventsOf, EmittedDomainEvent, EventsOf } from '../shared/events'
import { payloadOf } from '../shared/events'
import { messagePosted } from '../shared/messages'
import { dueAfter } from '../shared/timing'
import type { ResolvedDisputePolicy } from './policy'
import type {
  DISPUTE_REASONS,
  DISPUTE_REMEDIES,
  DisputeInput,
  DisputeOutcome,
  disputeEventSchemas,
} from './schemas'

/** Names of the dispute's deadlines (the events the scheduler sends). */
export type DisputeDeadline = 'sellerResponseDue' | 'buyerResponseDue' | 'evidenceDue' | 'appealWindowEnds'

/** Every event a dispute's machine receives: outside events and deadline firings. */
export type DisputeEvent = EventsOf<typeof disputeEventSchemas> | DeadlineEventsOf<DisputeDeadline>

/** The state a dispute keeps; readable on `engine.get(id).context` (messages filtered by audience). */
export interface DisputeContext {
  readonly orderId: string
  /** Minor units. */
  readonly orderTotal: number
  readonly currency: string
  readonly reason: (typeof DISPUTE_REASONS)[number]
  readonly remedy: (typeof DISPUTE_REMEDIES)[number]
  /** The amount the buyer asks for, minor units (0 for a replacement). */
  readonly amount: number
  readonly description: string
  readonly openedAt: number
  readonly messages: Message[]
  readonly sellerResponse: { kind: 'accept' | 'offer' | 'reject'; note: string | null; at: number } | null
  readonly offer: {
    remedy: 'partialRefund' | 'replacement' | 'return'
    amount: number
    note: string | null
  } | null
  readonly evidenceRequest: {
    from: 'buyer' | 'seller'
    note: string
    requestedAt: number
    dueAt: number
  } | null
  readonly evidence: { by: Actor; note: string; attachments: string[]; at: number; missed?: boolean }[]
  readonly decision: { outcome: DisputeOutcome; amount: number; note: string; by: string; at: number } | null
  readonly outcome: DisputeOutcome | null
  /** Amount of the refund requested (minor units), or `null`: a dispute requests at most one refund. */
  readonly refunded: number | null
  /** Parties that used their one appeal. */
  readonly appealedBy: ('buyer' | 'seller')[]
  readonly resolvedAt: number | null
}

/** What a settlement does: the outcome, the refund to request and whether a return is requested. */
interface Settlement {
  outcome: DisputeOutcome
  refund: number
  returnRequested: boolean
}

function refundOf(remedy: string, amount: number | undefined, orderTotal: number): number {
  if (remedy === 'replacement') return 0
  if (remedy === 'fullRefund') return orderTotal
  return amount ?? orderTotal
}

/** Builds the dispute machine for a resolved policy. */
export function disputeMachine(policy: ResolvedDisputePolicy) {
  const settlement = (context: DisputeContext, event: DisputeEvent): Settlement => {
    switch (event.type) {
      case 'accept':
        return {
          outcome: 'sellerAccepted',
          refund: refundOf(context.remedy, context.amount, context.orderTotal),
          returnRequested: context.remedy === 'return',
        }
      case 'acceptOffer': {
        const offer = context.offer!
        return {
          outcome: 'offerAccepted',
          refund: refundOf(offer.remedy, offer.amount || undefined, context.orderTotal),
          returnRequested: offer.remedy === 'return',
        }
      }
      case 'decide':
        return {
          outcome: event.payload.outcome,
          refund: event.payload.outcome === 'favorSeller' ? 0 : (event.payload.amount ?? 0),
          returnRequested: false,
        }
      default:
        throw new Error(`no settlement for "${event.type}"`)
    }
  }

  return setup({
    types: {} as {
      context: DisputeContext
      events: DisputeEvent
      input: WorkflowInput<DisputeInput>
      emitted: EmittedDomainEvent
    },
    guards: {
      hasOffer: ({ context }) => context.offer !== null,
      offerWithinTotal: ({ context, event }) => {
        const p = payloadOf(event, 'offer')
        return (p.amount ?? 0) <= context.orderTotal
      },
      canDecide: ({ context, event }) => {
        const p = payloadOf(event, 'decide')
        const amount = p.outcome === 'favorSeller' ? 0 : (p.amount ?? 0)
        if (amount > context.orderTotal) return false
        // A refund is requested once per dispute: after an appeal the operator may confirm it or favor the seller.
        return context.refunded === null || amount === 0 || amount === context.refunded
      },
      // Once decided (or appealed), withdrawing would undo a decision: refused.
      notDecided: ({ context }) => context.decision === null && context.appealedBy.length === 0,
      canAppeal: ({ context, event }) =>
        (event.actor.role === 'buyer' || event.actor.role === 'seller') &&
        !context.appealedBy.includes(event.actor.role),
      canSubmitEvidence: ({ event }) => event.actor.role === 'buyer' || event.actor.role === 'seller',
    },
    actions: {
      post: enqueueActions(({ context, event, enqueue }) => {
        const message = toMessage(context.messages.length, event.actor, payloadOf(event, 'post'), event.at)
        enqueue.assign({ messages: [...context.messages, message] })
        enqueue.emit(messagePosted('dispute', message))
      }),
      recordResponse: assign({
        sellerResponse: ({ event }) => ({
          kind: event.type === 'offer' ? 'offer' : event.type === 'reject' ? 'reject' : 'accept',
          note:
            event.type === 'reject'
              ? event.payload.explanation
              : event.type === 'offer' || event.type === 'accept'
                ? (event.payload.note ?? null)
                : null,
          at: event.at,
        }),
      }),
      recordOffer: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'offer')
        const amount = p.remedy === 'replacement' ? 0 : (p.amount ?? context.orderTotal)
        enqueue.assign({ offer: { remedy: p.remedy, amount, note: p.note ?? null } })
        enqueue.emit({
          type: 'dispute.offerMade',
          payload: { orderId: context.orderId, remedy: p.remedy, amount },
        })
      }),
      settle: enqueueActions(({ context, event, enqueue }) => {
        const s = settlement(context, event)
        const refundNow = s.refund > 0 && context.refunded === null
        if (event.type === 'decide') {
          const p = event.payload
          enqueue.assign({
            decision: {
              outcome: p.outcome,
              amount: s.refund,
              note: p.note,
              by: event.actor.id,
              at: event.at,
            },
          })
        }
        enqueue.assign({
          outcome: s.outcome,
          resolvedAt: event.at,
          evidenceRequest: null,
          ...(refundNow ? { refunded: s.refund } : {}),
        })
        if (s.returnRequested)
          enqueue.emit({ type: 'return.requested', payload: { orderId: context.orderId } })
        if (refundNow) {
          enqueue.emit({
            type: 'refund.requested',
            payload: { orderId: context.orderId, amount: s.refund, currency: context.currency },
          })
        }
        enqueue.emit({
          type: 'dispute.resolved',
          payload: {
            orderId: context.orderId,
            outcome: s.outcome,
            refunded: refundNow ? s.refund : (context.refunded ?? 0),
          },
        })
      }),
      escalated: emit(({ context, event }) => ({
        type: 'dispute.escalated',
        payload: {
          orderId: context.orderId,
          by: event.type === 'appeal' ? 'appeal' : event.actor.role === 'system' ? 'deadline' : 'buyer',
        },
      })),
      requestEvidence: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'requestEvidence')
        const dueAt = dueAfter(event.at, p.within ?? policy.evidenceWindow, policy.calendar)
        enqueue.assign({ evidenceRequest: { from: p.from, note: p.note, requestedAt: event.at, dueAt } })
        enqueue.emit({
          type: 'evidence.requested',
          payload: { orderId: context.orderId, from: p.from, dueAt },
        })
      }),
      submitEvidence: assign(({ context, event }) => {
        const p = payloadOf(event, 'submitEvidence')
        const answered = context.evidenceRequest?.from === event.actor.role
        return {
          evidence: [
            ...context.evidence,
            { by: event.actor, note: p.note, attachments: p.attachments ?? [], at: event.at },
          ],
          evidenceRequest: answered ? null : context.evidenceRequest,
        }
      }),
      evidenceMissed: assign(({ context, event }) => ({
        evidence: [
          ...context.evidence,
          {
            by: event.actor,
            note: `the ${context.evidenceRequest?.from ?? 'requested party'} sent no evidence before the deadline`,
            attachments: [],
            at: event.at,
            missed: true,
          },
        ],
        evidenceRequest: null,
      })),
      appeal: enqueueActions(({ context, event, enqueue }) => {
        const by = event.actor.role === 'seller' ? 'seller' : 'buyer'
        enqueue.assign({ appealedBy: [...context.appealedBy, by] })
        enqueue.emit({ type: 'dispute.appealed', payload: { orderId: context.orderId, by } })
      }),
      withdrawn: emit(({ context }) => ({
        type: 'dispute.withdrawn',
        payload: { orderId: context.orderId },
      })),
      closed: emit(({ context, event }) => ({
        type: 'dispute.closed',
        payload: {
          orderId: context.orderId,
          reason: event.type === 'buyerResponseDue' ? 'buyerUnresponsive' : 'appealWindowEnded',
        },
      })),
    },
  }).createMachine({
    id: 'dispute',
    initial: 'awaitingSeller',
    context: ({ input }) => {
      const i = input.input
      return {
        orderId: i.orderId,
        orderTotal: i.orderTotal,
        currency: i.currency,
        reason: i.reason,
        remedy: i.remedy,
        amount: refundOf(i.remedy, i.amount, i.orderTotal),
        description: i.description,
        openedAt: input.at,
        messages: [],
        sellerResponse: null,
        offer: null,
        evidenceRequest: null,
        evidence: [],
        decision: null,
        outcome: null,
        refunded: null,
        appealedBy: [],
        resolvedAt: null,
      }
    },
    entry: emit(({ context }) => ({
      type: 'dispute.opened',
      payload: {
        orderId: context.orderId,
        reason: context.reason,
        remedy: context.remedy,
        amount: context.amount,
        currency: context.currency,
      },
    })),
    states: {
      awaitingSeller: {
        on: {
          post: { actions: 'post' },
          accept: { target: 'resolved', actions: ['recordResponse', 'settle'] },
          offer: {
            target: 'awaitingBuyer',
            guard: 'offerWithinTotal',
            actions: ['recordResponse', 'recordOffer'],
          },
          reject: { target: 'awaitingBuyer', actions: 'recordResponse' },
          sellerResponseDue: { target: 'escalated', actions: 'escalated' },
          withdraw: { target: 'withdrawn', actions: 'withdrawn' },
        },
      },
      awaitingBuyer: {
        on: {
          post: { actions: 'post' },
          acceptOffer: { target: 'resolved', guard: 'hasOffer', actions: 'settle' },
          escalate: { target: 'escalated', actions: 'escalated' },
          buyerResponseDue: { target: 'closed', actions: 'closed' },
          withdraw: { target: 'withdrawn', actions: 'withdrawn' },
        },
      },
      escalated: {
        on: {
          post: { actions: 'post' },
          requestEvidence: { actions: 'requestEvidence' },
          submitEvidence: { guard: 'canSubmitEvidence', actions: 'submitEvidence' },
          evidenceDue: { actions: 'evidenceMissed' },
          decide: { target: 'resolved', guard: 'canDecide', actions: 'settle' },
          withdraw: { target: 'withdrawn', guard: 'notDecided', actions: 'withdrawn' },
        },
      },
      resolved: {
        on: {
          post: { actions: 'post' },
          appeal: { target: 'escalated', guard: 'canAppeal', actions: ['appeal', 'escalated'] },
          appealWindowEnds: { target: 'closed', actions: 'closed' },
        },
      },
      withdrawn: { type: 'final' },
      closed: { type: 'final' },
    },
  })
}
