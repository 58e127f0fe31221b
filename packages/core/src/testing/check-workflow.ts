import fc from 'fast-check'
import type { Actor, Parties, Store, WorkflowDefinition } from '../index'
import {
  type CommandSequenceOptions,
  commandSequenceArb,
  TEST_OPERATOR,
  type WorkflowCommand,
} from './arbitraries'
import {
  PARTY_PLACEHOLDERS,
  runScenario,
  type ScenarioResult,
  type Violation,
  type WorkflowInvariant,
} from './run-scenario'
import { formatTranscript } from './transcript'
import { zodArbitrary } from './zod-arbitrary'

/** Options of {@link checkWorkflow}. */
export interface CheckWorkflowOptions<TInput = unknown, TContext = Record<string, unknown>> {
  /** Your properties, by name, checked after every step of every scenario. */
  readonly invariants?: Readonly<Record<string, WorkflowInvariant<TContext>>>
  /** Scenarios to run; @default 100 */
  readonly numRuns?: number
  /** fast-check seed; a failure prints the one to replay. @default random */
  readonly seed?: number
  /** fast-check replay path, printed with the seed of a failure (replays the shrunk case at once). */
  readonly path?: string
  /** Open inputs; @default generated from the workflow's `input` schema */
  readonly input?: fc.Arbitrary<TInput>
  /** Who opens each case; @default the buyer party, else the seller, else an operator (by `openRoles`) */
  readonly opener?: (input: TInput, parties: Parties) => Actor
  /** Longest command sequence; @default 30 */
  readonly maxCommands?: number
  /** Command mix and payload overrides, passed to `commandSequenceArb`. */
  readonly commands?: Omit<CommandSequenceOptions, 'parties' | 'maxCommands'>
  /** A fresh store per scenario, to run the same checks on an adapter; @default memoryStore() */
  readonly store?: () => Store
}

/** What a passing {@link checkWorkflow} saw: use it to assert coverage. */
export interface CheckWorkflowReport {
  readonly numRuns: number
  /** Scenarios dropped because the generated input was refused at opening. */
  readonly discarded: number
  /** Every state path some case visited. */
  readonly statesVisited: string[]
  /** Every event type some case accepted, deadline events included. */
  readonly eventsAccepted: string[]
}

/** The error {@link checkWorkflow} throws: the message holds the transcript and the replay seed. */
export class WorkflowCheckError extends Error {
  override readonly name = 'WorkflowCheckError'
  constructor(
    message: string,
    /** The broken rule (an engine invariant's name or one of yours). */
    readonly violation: Violation,
    /** The shrunk scenario, step by step. */
    readonly transcript: string,
    readonly seed: number,
    readonly path: string | undefined,
  ) {
    super(message)
  }
}

class ScenarioFailure extends Error {
  constructor(readonly result: ScenarioResult & { violation: Violation }) {
    super(`${result.violation.rule}: ${result.violation.message}`)
  }
}

/** The parties a workflow derives from an input, as the engine does when opening. */
function partiesOf(workflow: WorkflowDefinition, input: unknown): Parties {
  if (workflow.parties) return workflow.parties(input, TEST_OPERATOR)
  return ((input as { parties?: Parties } | null)?.parties ?? {}) as Parties
}

function defaultOpener(workflow: WorkflowDefinition, parties: Parties): Actor {
  for (const role of ['buyer', 'seller'] as const) {
    const id = parties[role]
    if (workflow.openRoles.includes(role) && id !== undefined) return { role, id }
  }
  return TEST_OPERATOR
}

/**
 * Property-tests a workflow: generates open inputs and command sequences (events from every role,
 * valid and invalid, stale versions, clock jumps, deadline firings), runs each on a real engine
 * with a memory store and manual clock, and after every step checks the engine's invariants —
 * refused commands change nothing (case, audit, deadlines, outbox), final states absorb, the audit
 * is complete and ordered and matches the outbox, each deadline fires at most once and never
 * early, only allowed roles and parties get events accepted, invalid payloads and stale versions
 * are refused, the workflow never throws — and your invariants.
 * @throws WorkflowCheckError with the shrunk scenario as a transcript and the seed and path to replay it.
 * @example
 * await checkWorkflow(returns(), {
 *   invariants: { refundWithinOrder: ({ view }) => view.context.refunded <= view.context.amount },
 * })
 */
export async function checkWorkflow<TInput, TContext>(
  workflow: WorkflowDefinition<TInput, TContext>,
  options: CheckWorkflowOptions<TInput, TContext> = {},
): Promise<CheckWorkflowReport> {
  const def = workflow as WorkflowDefinition
  const inputArb: fc.Arbitrary<unknown> = options.input ?? zodArbitrary(def.input)
  // Input and commands are generated independently (they shrink better than a chain): commands
  // name the parties by placeholder and the scenario substitutes the input's real ids.
  const scenarioArb = fc.record({
    input: inputArb,
    commands: commandSequenceArb(def, {
      ...options.commands,
      parties: PARTY_PLACEHOLDERS,
      maxCommands: options.maxCommands ?? 30,
    }),
  })
  const statesVisited = new Set<string>()
  const eventsAccepted = new Set<string>()
  let discarded = 0
  const run = async (s: { input: unknown; commands: WorkflowCommand[] }) => {
    const parties = partiesOf(def, s.input)
    const opener = options.opener ? options.opener(s.input as TInput, parties) : defaultOpener(def, parties)
    return runScenario({
      workflow: def,
      input: s.input,
      opener,
      commands: s.commands,
      invariants: options.invariants as unknown as Record<string, WorkflowInvariant>,
      ...(options.commands?.payloads ? { payloads: options.commands.payloads } : {}),
      ...(options.store ? { store: options.store } : {}),
    })
  }
  const property = fc.asyncProperty(scenarioArb, async (scenario) => {
    const result = await run(scenario)
    if (result.discarded) discarded++
    fc.pre(!result.discarded)
    for (const s of result.states) statesVisited.add(s)
    for (const e of result.accepted) eventsAccepted.add(e)
    if (result.violation) throw new ScenarioFailure({ ...result, violation: result.violation })
  })
  const numRuns = options.numRuns ?? 100
  const details = await fc.check(property, {
    numRuns,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.path === undefined ? {} : { path: options.path }),
  })
  if (!details.failed) {
    return {
      numRuns,
      discarded,
      statesVisited: [...statesVisited].sort(),
      eventsAccepted: [...eventsAccepted].sort(),
    }
  }
  const failure = details.errorInstance instanceof ScenarioFailure ? details.errorInstance : null
  if (!failure) {
    const why =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    const reason = details.interrupted
      ? 'it was interrupted'
      : details.numSkips > 0 && details.numRuns === 0
        ? `every generated input was refused at opening (${details.numSkips}); pass an \`input\` arbitrary`
        : why
    throw new Error(`checkWorkflow(${def.id}) could not run: ${reason} (seed ${details.seed}).`)
  }
  const { violation, steps } = failure.result
  const transcript = formatTranscript(steps)
  const path = details.counterexamplePath ?? undefined
  const message = [
    `checkWorkflow(${def.id}): "${violation.rule}" broken at step ${violation.step}: ${violation.message}`,
    '',
    `Shrunk scenario (${details.numShrinks} shrinks, after ${details.numRuns} runs):`,
    transcript,
    '',
    `Replay: checkWorkflow(workflow, { ...options, seed: ${details.seed}${path ? `, path: '${path}'` : ''} })`,
  ].join('\n')
  throw new WorkflowCheckError(message, violation, transcript, details.seed, path)
}
