import { audienceSchema, type DomainEvent } from '@parley/core'
import { z } from 'zod'

/**
 * The wire shape of a domain event as the relay publishes it (the JSON of core's
 * `DomainEvent`, without the outbox bookkeeping `position` and `attempts`). Consumers check
 * every message against it before a handler sees it.
 */
export const domainEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  caseId: z.string().min(1),
  workflow: z.string().min(1),
  seq: z.number().int().positive(),
  at: z.number().int().nonnegative(),
  payload: z.unknown(),
  audience: audienceSchema.optional(),
})

/** Serialises a domain event for the wire: exactly the fields of `DomainEvent`, nothing else. */
export function encodeDomainEvent(event: DomainEvent): string {
  const { id, type, caseId, workflow, seq, at, payload, audience } = event
  return JSON.stringify(
    audience
      ? { id, type, caseId, workflow, seq, at, payload, audience }
      : { id, type, caseId, workflow, seq, at, payload },
  )
}
