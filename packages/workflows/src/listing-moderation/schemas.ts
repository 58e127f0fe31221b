import { z } from 'zod'

const id = z.string().min(1).max(200)
const reasonCode = z.string().min(1).max(100)
const message = z.string().min(1).max(5000)
/** A listing's fields by name (`title`, `description`, `price`, `images`, ...). */
const fields = z.record(z.string().min(1).max(100), z.unknown())

/** zod schema of the input that opens a listing's moderation case, in `draft`. */
export const listingInput = z.object({
  parties: z.object({ seller: id }),
  listingId: id,
  fields,
})

/** The input that opens a listing's moderation case. */
export type ListingInput = z.output<typeof listingInput>

/** zod schemas of the payloads of the events outsiders send to a listing. */
export const listingEventSchemas = {
  edit: z.object({ fields }),
  submit: z.object({}),
  resubmit: z.object({ fields: fields.optional() }),
  approve: z.object({ note: message.optional() }),
  requestChanges: z.object({
    reasonCode,
    message,
    /** Per-field comments: field name → what to change. */
    fields: z.record(z.string().min(1).max(100), z.string().min(1).max(2000)).default({}),
  }),
  reject: z.object({ reasonCode, message }),
  report: z.object({ reporterId: id, reason: reasonCode, note: message.optional() }),
  suspend: z.object({ reasonCode, message }),
  reinstate: z.object({ note: message.optional() }),
}

/** zod schemas of the domain events a listing emits. */
export const listingEmits = {
  'listing.submitted': z.object({ listingId: z.string(), decision: z.enum(['approve', 'reject', 'flag']) }),
  'listing.published': z.object({ listingId: z.string(), by: z.enum(['rules', 'operator']) }),
  'listing.rejected': z.object({ listingId: z.string(), reasonCode: z.string(), message: z.string() }),
  'listing.changesRequested': z.object({
    listingId: z.string(),
    reasonCode: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()),
  }),
  'listing.sentToReview': z.object({ listingId: z.string(), reason: z.enum(['rules', 'reports']) }),
  'listing.reported': z.object({ listingId: z.string(), reporters: z.number() }),
  'listing.suspended': z.object({ listingId: z.string(), reasonCode: z.string(), message: z.string() }),
  'listing.reinstated': z.object({ listingId: z.string() }),
  'listing.expired': z.object({ listingId: z.string() }),
}

/** Payload types of the domain events a listing emits. */
export type ListingDomainEvents = { [K in keyof typeof listingEmits]: z.output<(typeof listingEmits)[K]> }
