import type { Audience, WorkflowEvent } from '@parley/core'
import type { z } from 'zod'

/** The union of workflow events described by a map of payload schemas. */
export type EventsOf<TSchemas extends Record<string, z.ZodType>> = {
  [K in keyof TSchemas & string]: WorkflowEvent<K, z.output<TSchemas[K]>>
}[keyof TSchemas & string]

/** The payload the engine sends with a deadline event. */
export interface DeadlinePayload {
  readonly deadline: string
  /** Epoch ms the deadline was due. */
  readonly dueAt: number
}

/** The events deadlines send, by name. */
export type DeadlineEventsOf<TNames extends string> = {
  [K in TNames]: WorkflowEvent<K, DeadlinePayload>
}[TNames]

/** A domain event as a machine emits it (the engine stamps id, case and sequence). */
export interface EmittedDomainEvent {
  readonly type: string
  readonly payload: unknown
  readonly audience?: Audience
}

/**
 * The payload of `event`, typed by its type. Throws when the machine wires a handler to the
 * wrong event, which is a programming error inside this package.
 */
export function payloadOf<E extends { type: string; payload: unknown }, T extends E['type']>(
  event: E,
  type: T,
): Extract<E, { type: T }>['payload'] {
  if (event.type !== type) throw new Error(`expected event "${type}", got "${event.type}"`)
  return event.payload as Extract<E, { type: T }>['payload']
}
