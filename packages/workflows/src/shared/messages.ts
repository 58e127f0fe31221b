import { type Actor, type Audience, actorSchema, audienceSchema, type Message } from '@parley/core'
import { z } from 'zod'
import type { EmittedDomainEvent } from './events'

/** The `message.posted` domain event of a message, visible to the message's audience only. */
export function messagePosted(caseKind: string, message: Message): EmittedDomainEvent {
  return {
    type: 'message.posted',
    payload: { kind: caseKind, messageId: message.id, author: message.author, audience: message.audience },
    audience: message.audience,
  }
}

/** Payload of `message.posted`. */
export interface MessagePostedPayload {
  /** The workflow the message belongs to (`ticket`, `dispute`). */
  readonly kind: string
  readonly messageId: string
  readonly author: Actor
  readonly audience: Audience
}

/** zod schema of the `message.posted` payload. */
export const messagePostedSchema = z.object({
  kind: z.string(),
  messageId: z.string(),
  author: actorSchema,
  audience: audienceSchema,
})
