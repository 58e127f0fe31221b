import { type MessagePayload, messagePayloadSchema, resolveAudience } from '../model/message'
import type { EventDefinition } from './define-workflow'

/**
 * The "post a message" event of a three-party conversation: any party may post to a channel it
 * is on. The audit entry is filtered by the message's audience, and a party posting to a channel
 * it is not on (a buyer writing an internal note) is refused with `FORBIDDEN`.
 * @example
 * events: { post: messageEvent('Posts a message (public, internal note or a side channel).') }
 */
export function messageEvent(description?: string): EventDefinition<MessagePayload> {
  return {
    schema: messagePayloadSchema,
    roles: ['buyer', 'seller', 'operator'],
    audience: (payload, actor) => resolveAudience(actor, payload.audience) ?? undefined,
    authorize: (payload, actor) =>
      resolveAudience(actor, payload.audience)
        ? null
        : `A ${actor.role} cannot post to the ${payload.audience?.join('+')} channel; post publicly or to your own channel with the operator.`,
    ...(description === undefined ? {} : { description }),
  }
}
