import { z } from 'zod'
import { durationSchema } from '../shared/timing'

/** Why a seller contests a review (Trustpilot's reasons). */
export const CONTEST_REASONS = [
  'harmfulOrIllegal',
  'personalInformation',
  'advertising',
  'notGenuine',
  'other',
] as const
/** A contest reason. */
export type ContestReason = (typeof CONTEST_REASONS)[number]

const id = z.string().min(1).max(200)
const note = z.string().min(1).max(5000)
const rating = z.number().int().min(1).max(5)
const duration = durationSchema

/** zod schema of the input that opens a review request (after delivery). */
export const reviewInput = z.object({
  parties: z.object({ buyer: id, seller: id }),
  orderId: id,
  /** The listing reviewed, when the review is about one; seller aggregates count it either way. */
  listingId: id.optional(),
  verifiedPurchase: z.boolean().default(true),
})

/** The input that opens a review request. */
export type ReviewInput = z.output<typeof reviewInput>

/** zod schemas of the payloads of the events outsiders send to a review. */
export const reviewEventSchemas = {
  submit: z.object({
    rating,
    title: z.string().min(1).max(200).optional(),
    body: z.string().min(1).max(10_000),
  }),
  submitCounterpart: z.object({ rating, body: z.string().min(1).max(10_000) }),
  approve: z.object({ note: note.optional() }),
  reject: z.object({ reasonCode: id, message: note }),
  reply: z.object({ body: z.string().min(1).max(5000) }),
  contest: z.object({ reason: z.enum(CONTEST_REASONS), note }),
  requestEvidence: z.object({ kind: z.enum(['edit', 'evidence']), note, within: duration.optional() }),
  edit: z.object({
    rating: rating.optional(),
    title: z.string().min(1).max(200).optional(),
    body: z.string().min(1).max(10_000).optional(),
  }),
  submitEvidence: z.object({ note, attachments: z.array(z.string().min(1).max(2000)).max(20).optional() }),
  uphold: z.object({ note: note.optional() }),
  remove: z.object({ reasonCode: id, message: note }),
}

const subject = { sellerId: z.string(), listingId: z.string().nullable() }

/** zod schemas of the domain events a review emits (the input of the review aggregates). */
export const reviewEmits = {
  'review.requested': z.object({ ...subject, orderId: z.string() }),
  'review.published': z.object({ ...subject, rating, verifiedPurchase: z.boolean() }),
  'review.rejected': z.object({ ...subject, reasonCode: z.string() }),
  'review.replied': z.object({ ...subject, edited: z.boolean() }),
  'review.contested': z.object({ ...subject, reason: z.enum(CONTEST_REASONS), rating, hidden: z.boolean() }),
  'review.evidenceRequested': z.object({ ...subject, kind: z.enum(['edit', 'evidence']), dueAt: z.number() }),
  'review.edited': z.object({ ...subject, rating }),
  'review.upheld': z.object({ ...subject, reason: z.enum(CONTEST_REASONS), restored: z.boolean() }),
  'review.removed': z.object({ ...subject, reasonCode: z.string(), contested: z.boolean() }),
  'review.expired': z.object({ ...subject }),
  'review.counterpartPublished': z.object({ buyerId: z.string(), sellerId: z.string(), rating }),
}

/** Payload types of the domain events a review emits. */
export type ReviewDomainEvents = { [K in keyof typeof reviewEmits]: z.output<(typeof reviewEmits)[K]> }
