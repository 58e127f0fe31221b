import { messagePayloadSchema } from '@parley/core'
import { z } from 'zod'
import { messagePostedSchema } from '../shared/messages'
import { durationSchema } from '../shared/timing'

/** Why a buyer opens a dispute. */
export const DISPUTE_REASONS = ['notReceived', 'notAsDescribed', 'damaged', 'other'] as const
/** What a buyer asks for. */
export const DISPUTE_REMEDIES = ['fullRefund', 'partialRefund', 'replacement', 'return'] as const
/** How an operator decides an escalated dispute. */
export const DISPUTE_DECISIONS = ['refundBuyer', 'favorSeller', 'split'] as const

/** An amount in minor units of the case currency (cents): integers avoid rounding drift. */
const money = z.number().int().nonnegative().max(1_000_000_000_00)
const note = z.string().min(1).max(5000)
const duration = durationSchema

/** zod schema of the input that opens a dispute. */
export const disputeInput = z
  .object({
    parties: z.object({ buyer: z.string().min(1).max(200), seller: z.string().min(1).max(200) }),
    orderId: z.string().min(1).max(200),
    /** Order total in minor units. */
    orderTotal: money.positive(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code such as EUR'),
    reason: z.enum(DISPUTE_REASONS),
    remedy: z.enum(DISPUTE_REMEDIES),
    /** Requested amount in minor units; required for `partialRefund`, defaults to the order total for refunds. */
    amount: money.optional(),
    description: note,
  })
  .superRefine((v, ctx) => {
    if (v.amount !== undefined && v.amount > v.orderTotal)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'the amount cannot exceed the order total' })
    if (v.remedy === 'partialRefund' && !v.amount)
      ctx.addIssue({ code: 'custom', path: ['amount'], message: 'a partial refund needs an amount' })
  })

/** The input that opens a dispute. */
export type DisputeInput = z.output<typeof disputeInput>

const offer = z
  .object({
    remedy: z.enum(['partialRefund', 'replacement', 'return']),
    amount: money.optional(),
    note: note.optional(),
  })
  .refine((o) => o.remedy !== 'partialRefund' || (o.amount ?? 0) > 0, {
    path: ['amount'],
    message: 'a partial refund offer needs an amount',
  })

const decision = z
  .object({ outcome: z.enum(DISPUTE_DECISIONS), amount: money.optional(), note })
  .refine((d) => d.outcome === 'favorSeller' || (d.amount ?? 0) > 0, {
    path: ['amount'],
    message: 'refundBuyer and split need the amount refunded to the buyer',
  })

/** zod schemas of the payloads of the events outsiders send to a dispute. */
export const disputeEventSchemas = {
  post: messagePayloadSchema,
  accept: z.object({ note: note.optional() }),
  offer,
  reject: z.object({ explanation: note }),
  acceptOffer: z.object({}),
  escalate: z.object({ note: note.optional() }),
  requestEvidence: z.object({ from: z.enum(['buyer', 'seller']), note, within: duration.optional() }),
  submitEvidence: z.object({ note, attachments: z.array(z.string().min(1).max(2000)).max(20).optional() }),
  decide: decision,
  withdraw: z.object({ note: note.optional() }),
  appeal: z.object({ reason: note }),
}

/** Outcomes a resolved dispute reports in `dispute.resolved`. */
export type DisputeOutcome = 'sellerAccepted' | 'offerAccepted' | (typeof DISPUTE_DECISIONS)[number]

/** zod schemas of the domain events a dispute emits. */
export const disputeEmits = {
  'dispute.opened': z.object({
    orderId: z.string(),
    reason: z.enum(DISPUTE_REASONS),
    remedy: z.enum(DISPUTE_REMEDIES),
    amount: z.number(),
    currency: z.string(),
  }),
  'dispute.offerMade': z.object({ orderId: z.string(), remedy: z.string(), amount: z.number() }),
  'dispute.escalated': z.object({ orderId: z.string(), by: z.enum(['buyer', 'deadline', 'appeal']) }),
  'evidence.requested': z.object({
    orderId: z.string(),
    from: z.enum(['buyer', 'seller']),
    dueAt: z.number(),
  }),
  'refund.requested': z.object({ orderId: z.string(), amount: z.number(), currency: z.string() }),
  'return.requested': z.object({ orderId: z.string() }),
  'dispute.resolved': z.object({ orderId: z.string(), outcome: z.string(), refunded: z.number() }),
  'dispute.withdrawn': z.object({ orderId: z.string() }),
  'dispute.appealed': z.object({ orderId: z.string(), by: z.enum(['buyer', 'seller']) }),
  'dispute.closed': z.object({
    orderId: z.string(),
    reason: z.enum(['buyerUnresponsive', 'appealWindowEnded']),
  }),
  'message.posted': messagePostedSchema,
}

/** Payload types of the domain events a dispute emits. */
export type DisputeDomainEvents = { [K in keyof typeof disputeEmits]: z.output<(typeof disputeEmits)[K]> }
