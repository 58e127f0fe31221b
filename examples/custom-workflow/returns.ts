import {
  type Duration,
  defineWorkflow,
  type EmittedEvent,
  type Role,
  type WorkflowDefinition,
  type WorkflowEvent,
  type WorkflowInput,
} from '@parley/core'
import { and, assign, emit, setup } from 'xstate'
import { z } from 'zod'

// A returns (RMA) workflow, written the way a marketplace team writes its own on top of Parley:
// the buyer asks to return an order, the seller approves or refuses, the buyer ships the parcel,
// the seller receives and inspects it, then refunds. Deadlines keep every waiting state moving,
// and the operator arbitrates what the parties cannot settle.

/** Open input: the order and why it comes back. */
export const returnsInput = z.object({
  parties: z.object({ buyer: z.string().min(1).max(64), seller: z.string().min(1).max(64) }),
  orderId: z.string().min(1).max(64),
  /** What the buyer paid; no refund may exceed it. */
  orderTotal: z.number().positive().max(100_000),
  reason: z.enum(['damaged', 'notAsDescribed', 'wrongItem', 'changedMind']),
  items: z
    .array(z.object({ sku: z.string().min(1).max(40), quantity: z.number().int().positive().max(100) }))
    .min(1)
    .max(20),
})
/** Open input of {@link returns}. */
export type ReturnsInput = z.infer<typeof returnsInput>

/** Payload schemas of the events the parties send. */
export const returnsEvents = {
  approve: z.object({}),
  refuse: z.object({ reason: z.string().min(1).max(500) }),
  cancel: z.object({}),
  ship: z.object({ carrier: z.string().min(1).max(40), trackingNumber: z.string().min(1).max(64) }),
  receive: z.object({ condition: z.enum(['asDescribed', 'damaged', 'missingItems']) }),
  refund: z.object({ amount: z.number().positive() }),
  contest: z.object({ reason: z.string().min(1).max(1000) }),
  escalate: z.object({ reason: z.string().min(1).max(1000) }),
  decide: z.object({ outcome: z.enum(['refund', 'refuse']), amount: z.number().positive().optional() }),
  note: z.object({ body: z.string().min(1).max(2000) }),
}

type Payloads = { [K in keyof typeof returnsEvents]: z.infer<(typeof returnsEvents)[K]> }
type DeadlineName =
  | 'sellerResponseDue'
  | 'escalationWindowEnds'
  | 'shipmentDue'
  | 'deliveryDue'
  | 'refundDue'
  | 'operatorSlaDue'

/** Every event the returns machine receives: the parties' events and the deadlines. */
export type ReturnsEvent =
  | { [K in keyof Payloads]: WorkflowEvent<K, Payloads[K]> }[keyof Payloads]
  | WorkflowEvent<DeadlineName, { deadline: string; dueAt: number }>

/** What a returns case remembers. */
export interface ReturnsContext {
  orderId: string
  orderTotal: number
  reason: ReturnsInput['reason']
  items: ReturnsInput['items']
  refusal: string | null
  tracking: { carrier: string; number: string } | null
  condition: Payloads['receive']['condition'] | null
  /** Set once, when the case reaches `refunded`. */
  refundAmount: number | null
  escalatedBy: Role | null
  notes: { by: Role; body: string; at: number }[]
}

/** Time limits of a returns case. */
export interface ReturnsPolicy {
  /** The seller answers a request within; then the operator steps in. @default 'P3D' */
  sellerResponse: Duration
  /** The buyer may escalate a refusal within; then the case closes. @default 'P7D' */
  escalationWindow: Duration
  /** The buyer ships within; then the return lapses. @default 'P14D' */
  shipWithin: Duration
  /** A parcel not received by then is escalated as lost. @default 'P21D' */
  deliveryWithin: Duration
  /** The seller refunds or contests within after receipt; then the full order is refunded. @default 'P5D' */
  inspectWithin: Duration
  /** The operator's target to decide an escalation (`sla.breached` when missed). @default 'P2D' */
  operatorSla: Duration
}

/** The default {@link ReturnsPolicy}. */
export const defaultReturnsPolicy: ReturnsPolicy = {
  sellerResponse: 'P3D',
  escalationWindow: 'P7D',
  shipWithin: 'P14D',
  deliveryWithin: 'P21D',
  inspectWithin: 'P5D',
  operatorSla: 'P2D',
}

/** The returns state machine; `returns()` wraps it in a workflow. */
export function returnsMachine() {
  return setup({
    types: {} as {
      context: ReturnsContext
      events: ReturnsEvent
      emitted: EmittedEvent
      input: WorkflowInput<ReturnsInput>
    },
    guards: {
      refundWithinOrder: ({ context, event }) =>
        event.type === 'refund' && event.payload.amount <= context.orderTotal,
      decisionWithinOrder: ({ context, event }) =>
        event.type === 'decide' && (event.payload.amount ?? context.orderTotal) <= context.orderTotal,
      decidedRefund: ({ event }) => event.type === 'decide' && event.payload.outcome === 'refund',
      decidedRefusal: ({ event }) => event.type === 'decide' && event.payload.outcome === 'refuse',
    },
    actions: {
      escalate: assign({ escalatedBy: ({ event }) => event.actor.role }),
      announceEscalation: emit(({ event }) => ({
        type: 'return.escalated',
        payload: { by: event.actor.role },
      })),
      refundFull: assign({ refundAmount: ({ context }) => context.orderTotal }),
      requestRefund: emit(({ context }) => ({
        type: 'refund.requested',
        payload: { orderId: context.orderId, amount: context.refundAmount },
      })),
    },
  }).createMachine({
    id: 'returns',
    initial: 'requested',
    context: ({ input }) => ({
      orderId: input.input.orderId,
      orderTotal: input.input.orderTotal,
      reason: input.input.reason,
      items: input.input.items,
      refusal: null,
      tracking: null,
      condition: null,
      refundAmount: null,
      escalatedBy: null,
      notes: [],
    }),
    entry: emit(({ context }) => ({ type: 'return.requested', payload: { orderId: context.orderId } })),
    on: {
      note: {
        actions: assign({
          notes: ({ context, event }) =>
            event.type === 'note'
              ? [...context.notes, { by: event.actor.role, body: event.payload.body, at: event.at }]
              : context.notes,
        }),
      },
    },
    states: {
      requested: {
        on: {
          approve: { target: 'awaitingShipment', actions: emit({ type: 'return.approved', payload: {} }) },
          refuse: {
            target: 'refused',
            actions: assign({
              refusal: ({ event }) => (event.type === 'refuse' ? event.payload.reason : null),
            }),
          },
          cancel: 'cancelled',
          sellerResponseDue: { target: 'escalated', actions: ['escalate', 'announceEscalation'] },
        },
      },
      refused: {
        on: {
          escalate: { target: 'escalated', actions: ['escalate', 'announceEscalation'] },
          escalationWindowEnds: 'closed',
        },
      },
      awaitingShipment: {
        on: {
          ship: {
            target: 'inTransit',
            actions: [
              assign({
                tracking: ({ event }) =>
                  event.type === 'ship'
                    ? { carrier: event.payload.carrier, number: event.payload.trackingNumber }
                    : null,
              }),
              emit({ type: 'return.shipped', payload: {} }),
            ],
          },
          cancel: 'cancelled',
          shipmentDue: 'closed',
        },
      },
      inTransit: {
        on: {
          receive: {
            target: 'inspecting',
            actions: assign({
              condition: ({ event }) => (event.type === 'receive' ? event.payload.condition : null),
            }),
          },
          escalate: { target: 'escalated', actions: ['escalate', 'announceEscalation'] },
          deliveryDue: { target: 'escalated', actions: ['escalate', 'announceEscalation'] },
        },
      },
      inspecting: {
        on: {
          refund: {
            guard: 'refundWithinOrder',
            target: 'refunded',
            actions: [
              assign({
                refundAmount: ({ event }) => (event.type === 'refund' ? event.payload.amount : null),
              }),
              'requestRefund',
            ],
          },
          contest: { target: 'escalated', actions: ['escalate', 'announceEscalation'] },
          refundDue: { target: 'refunded', actions: ['refundFull', 'requestRefund'] },
        },
      },
      escalated: {
        on: {
          decide: [
            {
              guard: and(['decidedRefund', 'decisionWithinOrder']),
              target: 'refunded',
              actions: [
                assign({
                  refundAmount: ({ context, event }) =>
                    event.type === 'decide' ? (event.payload.amount ?? context.orderTotal) : null,
                }),
                'requestRefund',
              ],
            },
            { guard: 'decidedRefusal', target: 'closed' },
          ],
          operatorSlaDue: { actions: emit({ type: 'sla.breached', payload: { state: 'escalated' } }) },
        },
      },
      refunded: { type: 'final' },
      closed: { type: 'final' },
      cancelled: { type: 'final' },
    },
  })
}

/**
 * The returns workflow.
 * @example
 * const engine = createEngine({ workflows: [returns()], store: memoryStore() })
 */
export function returns(
  policy: Partial<ReturnsPolicy> = {},
): WorkflowDefinition<ReturnsInput, ReturnsContext> {
  const p = { ...defaultReturnsPolicy, ...policy }
  const seller: Role[] = ['seller']
  const buyer: Role[] = ['buyer']
  return defineWorkflow<ReturnsInput, ReturnsContext>({
    name: 'returns',
    version: 1,
    description: 'A buyer returns an order: seller approval, shipment, inspection and refund.',
    machine: returnsMachine(),
    input: returnsInput,
    openRoles: ['buyer', 'operator'],
    events: {
      approve: { schema: returnsEvents.approve, roles: seller },
      refuse: { schema: returnsEvents.refuse, roles: seller },
      cancel: { schema: returnsEvents.cancel, roles: buyer },
      ship: { schema: returnsEvents.ship, roles: buyer },
      receive: { schema: returnsEvents.receive, roles: seller },
      refund: { schema: returnsEvents.refund, roles: seller },
      contest: { schema: returnsEvents.contest, roles: seller },
      escalate: { schema: returnsEvents.escalate, roles: buyer },
      decide: { schema: returnsEvents.decide, roles: ['operator'] },
      note: { schema: returnsEvents.note, roles: ['buyer', 'seller', 'operator'] },
    },
    deadlines: {
      requested: { sellerResponseDue: p.sellerResponse },
      refused: { escalationWindowEnds: p.escalationWindow },
      awaitingShipment: { shipmentDue: p.shipWithin },
      inTransit: { deliveryDue: p.deliveryWithin },
      inspecting: { refundDue: p.inspectWithin },
      escalated: { operatorSlaDue: p.operatorSla },
    },
  })
}
