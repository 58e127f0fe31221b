import { audienceSchema, messagePayloadSchema } from '@parley/core'
import { z } from 'zod'
import { messagePostedSchema } from '../shared/messages'

/** Ticket priorities, lowest first. */
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const
/** A ticket priority. */
export type TicketPriority = (typeof TICKET_PRIORITIES)[number]

const id = z.string().min(1).max(200)
const note = z.string().min(1).max(5000)

/** zod schema of the input that opens a ticket: the first message comes with it. */
export const ticketInput = z.object({
  parties: z
    .object({ buyer: id.optional(), seller: id.optional() })
    .refine((p) => p.buyer !== undefined || p.seller !== undefined, 'a ticket has a buyer, a seller or both'),
  subject: z.string().min(1).max(300),
  /** Topic or reason code (`delivery`, `payment`, ...). */
  topic: z.string().min(1).max(100),
  /** What the ticket is about: an order, a listing, or nothing. */
  about: z.object({ kind: z.enum(['order', 'listing']), id }).optional(),
  priority: z.enum(TICKET_PRIORITIES).default('normal'),
  queue: z.string().min(1).max(100).optional(),
  /** The first message. */
  body: z.string().min(1).max(20_000),
  /** Audience of the first message; @default public */
  audience: audienceSchema.optional(),
})

/** The input that opens a ticket. */
export type TicketInput = z.output<typeof ticketInput>

/** zod schemas of the payloads of the events outsiders send to a ticket. */
export const ticketEventSchemas = {
  post: messagePayloadSchema,
  escalate: z.object({ note: note.optional() }),
  assign: z.object({ operatorId: id, queue: z.string().min(1).max(100).optional() }),
  setPriority: z.object({ priority: z.enum(TICKET_PRIORITIES) }),
  resolve: z.object({ note: note.optional() }),
  reopen: z.object({ note: note.optional() }),
  close: z.object({}),
}

/** zod schemas of the domain events a ticket emits. */
export const ticketEmits = {
  'ticket.opened': z.object({
    topic: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    requester: z.string(),
  }),
  'ticket.escalated': z.object({ by: z.string() }),
  'ticket.assigned': z.object({ operatorId: z.string(), queue: z.string().nullable() }),
  'ticket.resolved': z.object({ reason: z.enum(['resolvedBy', 'buyerInactive']) }),
  'ticket.reopened': z.object({ by: z.string() }),
  'ticket.closed': z.object({}),
  'sla.breached': z.object({
    kind: z.enum(['firstResponse', 'nextResponse']),
    party: z.enum(['seller', 'operator']),
    priority: z.enum(TICKET_PRIORITIES),
    dueAt: z.number(),
  }),
  'message.posted': messagePostedSchema,
}

/** Payload types of the domain events a ticket emits. */
export type TicketDomainEvents = { [K in keyof typeof ticketEmits]: z.output<(typeof ticketEmits)[K]> }
