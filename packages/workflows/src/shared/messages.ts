import {
  type Actor,
  type Audience,
  actorSchema,
  audienceSchema,
  type EventDefinition,
  type Message,
  messagePayloadSchema,
  resolveAudience,
} from '@parley/core'
import { z } from 'zod'
import type { EmittedDomainEvent } from './events'

/** Payload of a `post` event: body, optional audience and attachments. */
export type MessagePayload = z.output<typeof messagePayloadSchema>

/**
 * The `post` event shared by tickets and disputes: a message to a channel the author is on.
 * The audit entry is filtered by the message's audience, and a party posting to a channel it
 * is not on is refused with `FORBIDDEN`.
 */
export function messageEvent(description: string): EventDefinition<MessagePayload> {
  return {
    schema: messagePayloadSchema,
    roles: ['buyer', 'seller', 'operator'],
    audience: (payload, actor) => resolveAudience(actor, payload.audience) ?? undefined,
    authorize: (payload, actor) =>
      resolveAudience(actor, payload.audience)
        ? null
        : `A ${actor.role} cannot post to the ${payload.audience?.join('+')} channel; post publicly or to your own channel with the operator.`,
    description,
  }
}

/** Builds the message a `post` event adds to `context.messages`. */
export function toMessage(index: number, author: Actor, payload: MessagePayload, at: number): Message {
  // `authorize` already refused unreachable channels; the fallback only guards direct machine use.
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
