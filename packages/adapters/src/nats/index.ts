// Public API of @parley/adapters/nats: the outbox relay and the consumer helper. The NATS
// libraries are optional peer dependencies, imported on first use.

export type {
  ConsumeDomainEventsOptions,
  DeliveryContext,
  DomainEventConsumer,
  ReceivedDomainEvent,
} from './consumer'
export { consumeDomainEvents } from './consumer'
export { domainEventSchema, encodeDomainEvent } from './domain-event-schema'
export type { NatsRelay, NatsRelayBaseOptions, NatsRelayOptions, RelayRound } from './relay'
export { natsRelay } from './relay'
export type { ConnectionSource, StreamOptions } from './stream'
export { DEFAULT_PREFIX, DEFAULT_STREAM, ensureDomainStream, subjectOf } from './stream'
