import { z } from 'zod'
import type { Actor, Role } from './actor'

/** The roles that may see a message. Always contains `operator`. */
export type Audience = ReadonlyArray<'buyer' | 'seller' | 'operator'>

/** Everybody on the case. */
export const PUBLIC: Audience = ['buyer', 'seller', 'operator']
/** An operator's internal note. */
export const INTERNAL: Audience = ['operator']
/** The operator's private side channel with the buyer. */
export const BUYER_CHANNEL: Audience = ['buyer', 'operator']
/** The operator's private side channel with the seller. */
export const SELLER_CHANNEL: Audience = ['seller', 'operator']

/** zod schema of an audience: a non-empty set of party roles that contains `operator`. */
export const audienceSchema = z
  .array(z.enum(['buyer', 'seller', 'operator']))
  .min(1)
  .max(3)
  .refine((a) => a.includes('operator'), { message: 'an audience always contains "operator"' })
  .refine((a) => new Set(a).size === a.length, { message: 'an audience lists each role once' })

/** A message posted on a case. */
export interface Message {
  readonly id: string
  readonly author: Actor
  readonly audience: Audience
  readonly body: string
  readonly at: number
  /** Attachment references (URLs or storage keys), never the bytes. */
  readonly attachments?: readonly string[]
}

/** zod schema for the payload of a "post a message" event. */
export const messagePayloadSchema = z.object({
  body: z.string().min(1).max(20_000),
  audience: audienceSchema.optional(),
  attachments: z.array(z.string().min(1).max(2000)).max(20).optional(),
})

/**
 * The audience a message really gets: the one asked for (public by default), with the author's
 * own role added. Returns `null` when a non-operator asks for a channel they are not on.
 */
export function resolveAudience(author: Actor, requested: Audience | undefined): Audience | null {
  const audience = new Set(requested ?? PUBLIC)
  audience.add('operator')
  if (author.role === 'buyer' || author.role === 'seller') {
    // A party can only write to channels it is on: a buyer cannot post an internal note.
    if (!audience.has(author.role)) return null
  }
  return PUBLIC.filter((r) => audience.has(r))
}

/** True when a viewer holding `role` may see something addressed to `audience`. */
export function canSee(role: Role, audience: Audience | undefined): boolean {
  if (audience === undefined) return true
  if (role === 'operator' || role === 'system') return true
  return (audience as readonly string[]).includes(role)
}

/** Payload of a "post a message" event: body, optional audience and attachments. */
export type MessagePayload = z.output<typeof messagePayloadSchema>

/**
 * Builds the message a "post" event adds to a case's `context.messages`, with the audience it
 * really gets (see {@link resolveAudience}).
 * @example
 * assign({ messages: ({ context, event }) => [...context.messages, toMessage(context.messages.length, event.actor, event.payload, event.at)] })
 */
export function toMessage(index: number, author: Actor, payload: MessagePayload, at: number): Message {
  // The event's `authorize` already refused unreachable channels; the fallback only guards direct
  // machine use.
  const audience = resolveAudience(author, payload.audience) ?? (['operator'] as Audience)
  return {
    id: `m${index + 1}`,
    author: { role: author.role, id: author.id },
    audience,
    body: payload.body,
    at,
    ...(payload.attachments ? { attachments: payload.attachments } : {}),
  }
}
