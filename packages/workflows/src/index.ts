import type { DisputeDomainEvents } from './dispute/schemas'
import type { ListingDomainEvents } from './listing-moderation/schemas'
import type { ReviewDomainEvents } from './review/schemas'
import type { TicketDomainEvents } from './ticket/schemas'

// Public API of @parley/workflows: the four lifecycle factories, their types, the business
// calendar and the review aggregates. Machines, schemas and helpers stay internal so a
// workflow can change shape without breaking importers.

export type {
  ContestStats,
  RatingPrior,
  RatingStats,
  ReviewAggregates,
  ReviewAggregatesOptions,
  ReviewAggregatesView,
  ReviewDomainEventLike,
  SellerAggregate,
} from './aggregates/review-aggregates'
export { computeReviewAggregates, createReviewAggregates } from './aggregates/review-aggregates'
export type { BusinessCalendar, BusinessCalendarOptions } from './calendar/business-calendar'
export { businessCalendar } from './calendar/business-calendar'
export { DISPUTE, dispute } from './dispute/dispute'
export type { DisputeContext, DisputeDeadline, DisputeEvent } from './dispute/machine'
export type { DisputePolicy } from './dispute/policy'
export type { DisputeDomainEvents, DisputeInput, DisputeOutcome } from './dispute/schemas'
export { LISTING_MODERATION, listingModeration } from './listing-moderation/listing-moderation'
export type {
  ListingModerationContext,
  ListingModerationDeadline,
  ListingModerationEvent,
  ListingVerdict,
} from './listing-moderation/machine'
export type { ListingModerationPolicy } from './listing-moderation/policy'
export type { ListingDomainEvents, ListingInput } from './listing-moderation/schemas'
export type { ReviewBody, ReviewContext, ReviewDeadline, ReviewEvent } from './review/machine'
export type { ReviewPolicy } from './review/policy'
export { REVIEW, review } from './review/review'
export type { ContestReason, ReviewDomainEvents, ReviewInput } from './review/schemas'
export { CONTEST_REASONS } from './review/schemas'
export type { MessagePostedPayload } from './shared/messages'
export type { Moderate, ModerationContent, ModerationDecision } from './shared/moderation'
export type { SlaBreach, TicketContext, TicketDeadline, TicketEvent, TicketTurn } from './ticket/machine'
export type { ResponseTargets, TicketPolicy } from './ticket/policy'
export type { TicketDomainEvents, TicketInput, TicketPriority } from './ticket/schemas'
export { TICKET, ticket } from './ticket/ticket'

// `engine.on('dispute.escalated', (e) => e.payload.by)` is typed once this package is imported.
declare module '@parley/core' {
  interface DomainEventMap
    extends DisputeDomainEvents,
      TicketDomainEvents,
      ListingDomainEvents,
      ReviewDomainEvents {}
}

export type { StateEdge, StateGraph } from './diagram'
export { stateGraph, toMermaid } from './diagram'
export type { WorkflowCatalogEntry } from './docs/catalog'
export { workflowCatalog } from './docs/catalog'
export type { PolicyDoc } from './docs/policy-doc'
export { renderWorkflowDoc } from './docs/render'
