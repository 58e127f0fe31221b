// Public API of @parley/core. Internals (store helpers, machine stepping) stay out on purpose:
// adapters and workflows use only what is exported here.

export { createEngine } from './engine/engine'
export { createId } from './engine/ids'
export { activePaths, statePath } from './engine/state-path'
export type {
  CaseCommand,
  DomainEventMap,
  Engine,
  EngineOptions,
  ListQuery,
  OpenOptions,
  Permission,
  SendOptions,
} from './engine/types'
export type { CaseView } from './engine/view'
export { defaultView } from './engine/view'
export type { IssuePath, ParleyErrorCode, ParleyErrorOptions, ParleyIssue } from './errors/parley-error'
export { formatIssues, formatPath, fromZodIssues, ParleyError } from './errors/parley-error'
export type { Actor, Parties, Role } from './model/actor'
export { actorSchema, PARTY_ROLES, ROLES, SYSTEM_ACTOR } from './model/actor'
export type {
  AuditEntry,
  CaseRecord,
  CaseTimers,
  ClaimedDeadline,
  DeadlineRecord,
  DomainEvent,
  IdempotencyRecord,
  OutboxRow,
} from './model/case'
export type { Audience, Message, MessagePayload } from './model/message'
export {
  audienceSchema,
  BUYER_CHANNEL,
  canSee,
  INTERNAL,
  messagePayloadSchema,
  PUBLIC,
  resolveAudience,
  SELLER_CHANNEL,
  toMessage,
} from './model/message'
// The rules DSL (validation, compiler, customer groups, moderation, routing).
export * from './rules/index'
export type { MemoryStoreOptions } from './store/memory-store'
export { memoryStore } from './store/memory-store'
export { Mutex } from './store/mutex'
export { decodeCursor, encodeCursor, MAX_PAGE, pageSize, partyMatches, stateMatches } from './store/query'
export type { CaseQuery, Page, Store, StoreCapabilities, StoreTransaction } from './store/store'
export type { Clock, ManualClock } from './time/clock'
export { manualClock, systemClock } from './time/clock'
export type { Duration } from './time/duration'
export { parseDuration } from './time/duration'
export type {
  DeadlineArgs,
  DeadlineSpec,
  EmittedEvent,
  EventDefinition,
  NormalizedDeadline,
  WorkflowConfig,
  WorkflowDefinition,
  WorkflowEvent,
  WorkflowInput,
} from './workflow/define-workflow'
export { collectStatePaths, defineWorkflow } from './workflow/define-workflow'
export type { StateNodeLike, TransitionLike } from './workflow/machine-graph'
export { allNodes, pathOf, rootOf } from './workflow/machine-graph'
export { messageEvent } from './workflow/message-event'
