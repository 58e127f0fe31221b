// Test helpers of @parley/core: the store conformance suite and the workflow property kit.
// They import vitest and fast-check, which are optional peer dependencies of @parley/core.

// Property-testing kit for workflows (issue 6).
export type {
  ActorArbOptions,
  CommandKind,
  CommandSequenceOptions,
  EventArbOptions,
  GeneratedEvent,
  WorkflowCommand,
} from './arbitraries'
export { actorArb, commandSequenceArb, eventArb, payloadArb, TEST_OPERATOR } from './arbitraries'
export type { CheckWorkflowOptions, CheckWorkflowReport } from './check-workflow'
export { checkWorkflow, WorkflowCheckError } from './check-workflow'
export type { GraphCheckOptions, GraphFinding, GraphFindingKind } from './graph-checks'
export { checkWorkflowGraph } from './graph-checks'
export type {
  InvariantState,
  ScenarioOptions,
  ScenarioResult,
  Violation,
  WorkflowInvariant,
} from './run-scenario'
export { runScenario } from './run-scenario'
export type { TestStoreOptions } from './test-store'
export { sampleCase, testStore } from './test-store'
export type { SentEvent, StepOutcome, TranscriptStep } from './transcript'
export { formatCommand, formatPayload, formatStep, formatTranscript } from './transcript'
export type { ZodArbitraryOptions } from './zod-arbitrary'
export { zodArbitrary } from './zod-arbitrary'
export { invalidZodArbitrary } from './zod-invalid-arbitrary'
