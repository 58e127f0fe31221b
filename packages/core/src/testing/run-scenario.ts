import fc from 'fast-check'
import {
  type Actor,
  type AuditEntry,
  activePaths,
  type CaseView,
  createEngine,
  type Engine,
  manualClock,
  memoryStore,
  ParleyError,
  type Store,
  SYSTEM_ACTOR,
  type WorkflowDefinition,
} from '../index'
import { lineage, nodeAt } from '../workflow/machine-graph'
import { payloadArb, TEST_OPERATOR, type WorkflowCommand } from './arbitraries'
import {
  acceptedFromAllowedSender,
  auditComplete,
  capture,
  deadlinesSound,
  oneStepRecorded,
  type RuleBreak,
  refusedChangesNothing,
  type StoreImage,
} from './engine-invariants'
import type { SentEvent, StepOutcome, TranscriptStep } from './transcript'

/** What a user invariant receives after every step. */
export interface InvariantState<TContext = Record<string, unknown>> {
  /** The case as an operator sees it now. */
  readonly view: CaseView<TContext>
  /** The whole audit trail, as an operator sees it. */
  readonly history: readonly AuditEntry[]
  /** The view before this step; `null` right after the opening. */
  readonly previous: CaseView<TContext> | null
  /** The step just run. */
  readonly step: TranscriptStep
}

/**
 * A property of every reachable case. Return `false` or a string (the reason) to fail, or throw
 * (an `expect` inside works); anything else passes.
 */
export type WorkflowInvariant<TContext = Record<string, unknown>> = (
  state: InvariantState<TContext>,
) => unknown

/** A broken invariant and the step that broke it. */
export interface Violation extends RuleBreak {
  readonly step: number
}

/** Everything one scenario needs. */
export interface ScenarioOptions {
  readonly workflow: WorkflowDefinition
  readonly input: unknown
  readonly opener: Actor
  readonly commands: readonly WorkflowCommand[]
  readonly invariants?: Readonly<Record<string, WorkflowInvariant>>
  readonly payloads?: Readonly<Record<string, fc.Arbitrary<unknown>>>
  /** A fresh store per scenario; @default memoryStore */
  readonly store?: () => Store
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly steps: TranscriptStep[]
  readonly violation: Violation | null
  /** True when the opening itself was refused (the generated input did not fit): nothing ran. */
  readonly discarded: boolean
  /** State paths the case visited. */
  readonly states: ReadonlySet<string>
  /** Event types the case accepted (deadline events included). */
  readonly accepted: ReadonlySet<string>
}

/**
 * Party ids `send` commands may use instead of real ones; a scenario replaces them with the case's
 * parties. `checkWorkflow` generates commands with them so commands need not wait for the input.
 */
export const PARTY_PLACEHOLDERS = Object.freeze({ buyer: '<buyer>', seller: '<seller>' })

const REFUSALS = new Set(['VALIDATION', 'FORBIDDEN', 'EVENT_NOT_ALLOWED', 'CONFLICT'])

/**
 * Opens one case on a fresh engine, memory store and manual clock, runs the commands and checks
 * the engine's invariants and the user's after each; stops at the first violation.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const store = (options.store ?? (() => memoryStore()))()
  try {
    return await runOn(options, store)
  } finally {
    // A scenario's store is its own: release it (an adapter's connection) whatever happened.
    await store.close().catch(() => {})
  }
}

async function runOn(options: ScenarioOptions, store: Store): Promise<ScenarioResult> {
  const { workflow } = options
  const clock = manualClock()
  const engine = createEngine({ workflows: [workflow], store, clock, onListenerError: () => {} })
  const steps: TranscriptStep[] = []
  const states = new Set<string>()
  const accepted = new Set<string>()
  const result = (violation: Violation | null, discarded = false): ScenarioResult => ({
    steps,
    violation,
    discarded,
    states,
    accepted,
  })

  let view: CaseView
  try {
    view = await engine.open(workflow.name, options.input, { actor: options.opener })
  } catch (error) {
    if (ParleyError.is(error) && REFUSALS.has(error.code)) return result(null, true)
    steps.push({ index: 0, sent: opening(options), outcome: { kind: 'error', message: describe(error) } })
    return result({ rule: 'no-crash', step: 0, message: `opening the case threw ${describe(error)}` })
  }
  let image = await capture(store, view.id, clock.now())
  const first = image.audit[0]
  steps.push({
    index: 0,
    sent: opening(options),
    outcome: {
      kind: 'accepted',
      from: null,
      to: image.record.state,
      version: 1,
      emitted: first?.emitted ?? [],
    },
  })
  states.add(image.record.state)
  const opened = oneStepRecorded({ ...image, audit: [], record: { ...image.record, version: 0 } }, image, 1)
  let violation =
    (opened && { ...opened, step: 0 }) || (await checkAll(options, engine, image, null, steps[0]!, false))
  if (violation) return result(violation)
  let previous = await engine.get(view.id, { viewer: TEST_OPERATOR })
  const payloadCache = new Map<string, fc.Arbitrary<unknown>>()
  // The last accepted send, with its idempotency key: `retry` sends it again.
  let lastAccepted: { sent: SentEvent; key: string; version: number; index: number } | null = null

  for (let i = 0; i < options.commands.length; i++) {
    const command = options.commands[i]!
    const before = image
    const index = i + 1
    let sent: SentEvent | undefined
    let outcome: StepOutcome
    let broken: RuleBreak | null = null
    let ranDue = false
    try {
      switch (command.kind) {
        case 'advance':
          clock.advance(command.ms)
          outcome = { kind: 'clock', now: clock.now() }
          break
        case 'runDeadlines':
        case 'skipToDeadline': {
          if (command.kind === 'skipToDeadline') {
            const next = Math.min(...before.deadlines.map((d) => d.dueAt))
            if (Number.isFinite(next) && next > clock.now()) clock.set(next)
          }
          const fired = await engine.runDueDeadlines()
          ranDue = true
          image = await capture(store, view.id, clock.now())
          const firings = image.audit.slice(before.audit.length)
          outcome = { kind: 'fired', now: clock.now(), firings }
          for (const f of firings) accepted.add(f.type)
          broken =
            (before.record.done && firings.length > 0
              ? { rule: 'final-absorbs', message: 'a deadline fired on a finished case' }
              : null) ||
            (fired === firings.length
              ? null
              : {
                  rule: 'audit-complete',
                  message: `runDueDeadlines reported ${fired} firings, the audit ${firings.length}`,
                }) ||
            oneStepRecorded(before, image, firings.length)
          break
        }
        case 'retry': {
          if (!lastAccepted) {
            outcome = { kind: 'idle', note: 'nothing accepted yet to retry' }
            break
          }
          sent = lastAccepted.sent
          const replayed = await engine.send(
            view.id,
            { type: sent.type, payload: sent.payload },
            { actor: sent.actor, idempotencyKey: lastAccepted.key },
          )
          image = await capture(store, view.id, clock.now())
          outcome = { kind: 'replayed', of: lastAccepted.index, version: replayed.version }
          const moved = refusedChangesNothing(before, image)
          broken =
            (moved && {
              rule: 'idempotent-retry',
              message: moved.message.replace('a refused command', 'a retry'),
            }) ||
            (replayed.version === lastAccepted.version
              ? null
              : {
                  rule: 'idempotent-retry',
                  message: `a retry answered version ${replayed.version}, the first send ${lastAccepted.version}`,
                })
          break
        }
        case 'send':
        case 'step': {
          sent =
            command.kind === 'send'
              ? fromSend(command, before)
              : pickStep(options, before, command, payloadCache)
          if (!sent) {
            outcome = { kind: 'idle', note: 'no party may send anything now' }
            break
          }
          try {
            await engine.send(
              view.id,
              { type: sent.type, payload: sent.payload },
              {
                actor: sent.actor,
                idempotencyKey: `step-${index}`,
                ...(sent.expectedVersion === undefined ? {} : { expectedVersion: sent.expectedVersion }),
              },
            )
            image = await capture(store, view.id, clock.now())
            lastAccepted = { sent, key: `step-${index}`, version: image.record.version, index }
            const entry = image.audit[image.audit.length - 1]
            outcome = {
              kind: 'accepted',
              from: before.record.state,
              to: image.record.state,
              version: image.record.version,
              emitted: entry?.emitted ?? [],
            }
            accepted.add(sent.type)
            broken =
              (command.kind === 'send' && !command.valid
                ? { rule: 'invalid-refused', message: `an invalid "${sent.type}" was accepted` }
                : null) ||
              (command.kind === 'send' && command.stale
                ? { rule: 'stale-refused', message: 'a send with a stale expectedVersion was accepted' }
                : null) ||
              acceptedFromAllowedSender(workflow, before, sent) ||
              oneStepRecorded(before, image, 1)
          } catch (error) {
            if (!(ParleyError.is(error) && REFUSALS.has(error.code))) throw error
            outcome = { kind: 'refused', code: error.code, message: error.message }
            image = await capture(store, view.id, clock.now())
            broken = refusedChangesNothing(before, image)
          }
          break
        }
      }
    } catch (error) {
      steps.push({
        index,
        command,
        ...(sent ? { sent } : {}),
        outcome: { kind: 'error', message: describe(error) },
      })
      return result({ rule: 'no-crash', step: index, message: `the engine threw ${describe(error)}` })
    }
    const step: TranscriptStep = { index, command, ...(sent ? { sent } : {}), outcome }
    steps.push(step)
    states.add(image.record.state)
    if (broken) return result({ ...broken, step: index })
    if (before.record.done && image.record.state !== before.record.state)
      return result({
        rule: 'final-absorbs',
        step: index,
        message: `the finished case moved to ${image.record.state}`,
      })
    violation = await checkAll(options, engine, image, previous, step, ranDue)
    if (violation) return result(violation)
    previous = await engine.get(view.id, { viewer: TEST_OPERATOR })
  }
  return result(null)
}

async function checkAll(
  options: ScenarioOptions,
  engine: Engine,
  image: StoreImage,
  previous: CaseView | null,
  step: TranscriptStep,
  ranDue: boolean,
): Promise<Violation | null> {
  const engineBreak =
    auditComplete(image) || deadlinesSound(options.workflow, image, engine.clock.now(), ranDue)
  if (engineBreak) return { ...engineBreak, step: step.index }
  const invariants = Object.entries(options.invariants ?? {})
  if (invariants.length === 0) return null
  const view = await engine.get(image.record.id, { viewer: TEST_OPERATOR })
  const history = await engine.history(image.record.id, { viewer: TEST_OPERATOR })
  for (const [name, invariant] of invariants) {
    let verdict: unknown
    try {
      verdict = await invariant({ view, history, previous, step })
    } catch (error) {
      return { rule: name, step: step.index, message: error instanceof Error ? error.message : String(error) }
    }
    if (verdict === false || typeof verdict === 'string')
      return { rule: name, step: step.index, message: verdict === false ? 'returned false' : verdict }
  }
  return null
}

function opening(options: ScenarioOptions): SentEvent {
  return { actor: options.opener, type: '$open', payload: options.input }
}

function fromSend(command: Extract<WorkflowCommand, { kind: 'send' }>, before: StoreImage): SentEvent {
  const { role, id } = command.actor
  const placeholder = (role === 'buyer' || role === 'seller') && PARTY_PLACEHOLDERS[role] === id
  const real = placeholder ? before.record.parties[role] : undefined
  return {
    actor: real === undefined ? command.actor : { role, id: real },
    type: command.type,
    payload: command.payload,
    ...(command.stale ? { expectedVersion: before.record.version - 1 } : {}),
  }
}

/** Resolves a `step`: an event a party may send in the current state, with a generated payload. */
function pickStep(
  options: ScenarioOptions,
  before: StoreImage,
  command: Extract<WorkflowCommand, { kind: 'step' }>,
  cache: Map<string, fc.Arbitrary<unknown>>,
): SentEvent | undefined {
  const { workflow } = options
  const value = (before.record.snapshot as { value?: unknown } | null)?.value
  const handled = new Set<string>()
  const moving = new Set<string>()
  if (!before.record.done && value !== undefined) {
    for (const path of activePaths(value as never)) {
      const node = nodeAt(workflow.machine, path)
      for (const n of node ? lineage(node) : []) {
        for (const [type, ts] of Object.entries(n.on)) {
          handled.add(type)
          if (ts.some((t) => (t.target?.length ?? 0) > 0)) moving.add(type)
        }
      }
    }
  }
  // On a finished case every event is a candidate: all of them must be refused.
  const handledTypes = Object.keys(workflow.events).filter(
    (t) => before.record.done || handled.has(t) || handled.has('*'),
  )
  // `moves` prefers events that change state, so scenarios go deep instead of chatting in place.
  const movingTypes = handledTypes.filter((t) => moving.has(t))
  const types = command.moves && movingTypes.length > 0 ? movingTypes : handledTypes
  const type = types[command.pick % Math.max(1, types.length)]
  if (type === undefined) return undefined
  const actors = [
    ...(['buyer', 'seller'] as const).flatMap((role): Actor[] => {
      const id = before.record.parties[role]
      return id === undefined ? [] : [{ role, id }]
    }),
    TEST_OPERATOR,
    SYSTEM_ACTOR,
  ].filter((a) => workflow.events[type]!.roles.includes(a.role))
  const actor = actors[Math.floor(command.pick / Math.max(1, types.length)) % Math.max(1, actors.length)]
  if (!actor) return undefined
  const chosen = { actor, type }
  let arb = cache.get(chosen.type)
  if (!arb) {
    arb = payloadArb(workflow, chosen.type, options)
    cache.set(chosen.type, arb)
  }
  const [payload] = fc.sample(arb, { seed: command.seed, numRuns: 1 })
  return { ...chosen, payload }
}

function describe(error: unknown): string {
  if (error instanceof ParleyError) return `${error.code}: ${error.message}`
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}
