import fc from 'fast-check'
import { type Actor, type Parties, type Role, SYSTEM_ACTOR, type WorkflowDefinition } from '../index'
import { allDeadlineEvents, eventsHandledAt } from '../workflow/machine-graph'
import { zodArbitrary } from './zod-arbitrary'
import { invalidZodArbitrary } from './zod-invalid-arbitrary'

/** The operator id the kit acts as. */
export const TEST_OPERATOR: Actor = Object.freeze({ role: 'operator', id: 'op-1' })

/** Options of {@link actorArb}. */
export interface ActorArbOptions {
  /** Also generate buyers and sellers who are not parties of the case; @default true */
  readonly outsiders?: boolean
  /** Also generate the `system` actor; @default true */
  readonly system?: boolean
  /** Only these roles; @default every role */
  readonly roles?: readonly Role[]
}

/**
 * Actors around a case: its parties (most often), operators, outsiders holding a party role
 * without being a party, and the system. Outsiders and the system let a property check that
 * the engine refuses them.
 * @example
 * fc.sample(actorArb({ buyer: 'b1', seller: 's1' }), 3) // [{ role: 'seller', id: 's1' }, ...]
 */
export function actorArb(parties: Parties, options: ActorArbOptions = {}): fc.Arbitrary<Actor> {
  const allowed = (role: Role) => !options.roles || options.roles.includes(role)
  const choices: fc.WeightedArbitrary<Actor>[] = []
  const members: Actor[] = []
  for (const role of ['buyer', 'seller'] as const) {
    const id = parties[role]
    if (id !== undefined && allowed(role)) members.push({ role, id })
  }
  if (members.length > 0) choices.push({ weight: 6, arbitrary: fc.constantFrom(...members) })
  if (allowed('operator'))
    choices.push({ weight: 3, arbitrary: fc.constantFrom(TEST_OPERATOR, { role: 'operator', id: 'op-2' }) })
  if (options.outsiders !== false) {
    const outsiders = (['buyer', 'seller'] as const)
      .filter(allowed)
      .map((role): Actor => ({ role, id: `outsider-${role}` }))
    if (outsiders.length > 0) choices.push({ weight: 1, arbitrary: fc.constantFrom(...outsiders) })
  }
  if (options.system !== false && allowed('system'))
    choices.push({ weight: 1, arbitrary: fc.constant(SYSTEM_ACTOR) })
  if (choices.length === 0) throw new Error('actorArb: no actor matches these options.')
  return fc.oneof(...choices)
}

/** An event as generated: its type, its payload, and whether the engine must refuse it as invalid. */
export interface GeneratedEvent {
  readonly type: string
  readonly payload: unknown
  /** False for unknown types and payloads that fail the event's schema. */
  readonly valid: boolean
}

/** Options of {@link eventArb}. */
export interface EventArbOptions {
  /** Share of invalid events (bad payloads, unknown types), 0..1; @default 0.2 */
  readonly invalidRatio?: number
  /** Payload arbitraries by event type, replacing the ones built from the schemas. */
  readonly payloads?: Readonly<Record<string, fc.Arbitrary<unknown>>>
}

/**
 * Events of a workflow with payloads from each event's zod schema, plus invalid ones: payloads
 * of the wrong type, with missing fields, oversized strings or out-of-range numbers, and unknown
 * event types (deadline names among them: outsiders may not send those). With `state`, only the
 * events that state (its ancestors or children) handles.
 * @example
 * fc.sample(eventArb(returns(), 'requested'), 5)
 */
export function eventArb(
  workflow: WorkflowDefinition,
  state?: string,
  options: EventArbOptions = {},
): fc.Arbitrary<GeneratedEvent> {
  const types = state === undefined ? Object.keys(workflow.events) : eventsHandledAt(workflow, state)
  const valid = types.map((type) =>
    payloadArb(workflow, type, options).map((payload): GeneratedEvent => ({ type, payload, valid: true })),
  )
  const invalid: fc.Arbitrary<GeneratedEvent>[] = []
  for (const type of types) {
    const schema = workflow.events[type]!.schema
    const bad = invalidZodArbitrary(schema)
    // The engine reads a missing (null or undefined) payload as `{}`: only what fails then is invalid.
    if (bad)
      invalid.push(
        bad
          .filter((p) => !schema.safeParse(p ?? {}).success)
          .map((payload): GeneratedEvent => ({ type, payload, valid: false })),
      )
  }
  const unknownTypes = ['notAnEvent', '__proto__', '', ...allDeadlineEvents(workflow)].filter(
    (t) => !Object.hasOwn(workflow.events, t),
  )
  invalid.push(
    fc.constantFrom(...unknownTypes).map((type): GeneratedEvent => ({ type, payload: {}, valid: false })),
  )
  const ratio = Math.min(1, Math.max(0, options.invalidRatio ?? 0.2))
  const parts: fc.WeightedArbitrary<GeneratedEvent>[] = []
  if (valid.length > 0 && ratio < 1)
    parts.push({ weight: Math.round((1 - ratio) * 100), arbitrary: fc.oneof(...valid) })
  if (ratio > 0 || valid.length === 0)
    parts.push({ weight: Math.max(1, Math.round(ratio * 100)), arbitrary: fc.oneof(...invalid) })
  return fc.oneof(...parts)
}

/** The payload arbitrary of one event type: the override if given, else from its schema. */
export function payloadArb(
  workflow: WorkflowDefinition,
  type: string,
  options: Pick<EventArbOptions, 'payloads'> = {},
): fc.Arbitrary<unknown> {
  const override = options.payloads?.[type]
  if (override) return override
  const def = workflow.events[type]
  if (!def) throw new Error(`payloadArb: workflow ${workflow.id} has no event "${type}".`)
  return zodArbitrary(def.schema)
}

/**
 * One step of a generated scenario:
 * - `send`: a given actor sends a given event (valid or not); `stale` sends it with an
 *   `expectedVersion` one behind, which the engine must refuse with `CONFLICT`.
 * - `step`: an event some party may send in the current state, chosen when the step runs
 *   (`pick` indexes the candidates, `seed` generates its payload; with `moves`, only events that
 *   change state are candidates). Drives cases deep into the graph.
 * - `advance`: the clock moves forward by `ms`.
 * - `runDeadlines`: `engine.runDueDeadlines()`.
 * - `skipToDeadline`: the clock jumps to the next armed deadline, then deadlines run.
 * - `retry`: the last accepted send again, with its idempotency key: the engine must answer
 *   the first result and write nothing.
 */
export type WorkflowCommand =
  | {
      readonly kind: 'send'
      readonly actor: Actor
      readonly type: string
      readonly payload: unknown
      readonly valid: boolean
      readonly stale?: boolean
    }
  | { readonly kind: 'step'; readonly pick: number; readonly seed: number; readonly moves: boolean }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'runDeadlines' }
  | { readonly kind: 'skipToDeadline' }
  | { readonly kind: 'retry' }

/** The command kinds {@link commandSequenceArb} mixes (`stale` is a `send` with a stale version). */
export type CommandKind = 'step' | 'send' | 'stale' | 'advance' | 'runDeadlines' | 'skipToDeadline' | 'retry'

/** Options of {@link commandSequenceArb}. */
export interface CommandSequenceOptions extends EventArbOptions {
  /** The case's parties (the actors are drawn around them). */
  readonly parties: Parties
  /** Longest sequence; @default 30 */
  readonly maxCommands?: number
  /** Relative weights of the command kinds; @default { step: 10, send: 3, stale: 1, advance: 2, runDeadlines: 1, skipToDeadline: 1, retry: 1 } */
  readonly weights?: Partial<Record<CommandKind, number>>
}

const DAY = 86_400_000

const canFit = (parties: Parties, roles: readonly Role[]) =>
  roles.some((r) => r === 'operator' || r === 'system' || parties[r] !== undefined)

/**
 * Sequences of commands against one case: events from every role (parties, operators, outsiders,
 * the system), valid and invalid, stale versions, clock advances and deadline firings.
 * @example
 * fc.sample(commandSequenceArb(returns(), { parties: { buyer: 'b1', seller: 's1' } }), 1)
 */
export function commandSequenceArb(
  workflow: WorkflowDefinition,
  options: CommandSequenceOptions,
): fc.Arbitrary<WorkflowCommand[]> {
  const w: Record<CommandKind, number> = {
    step: 10,
    send: 3,
    stale: 1,
    advance: 2,
    runDeadlines: 1,
    skipToDeadline: 1,
    retry: 1,
  }
  for (const [kind, weight] of Object.entries(options.weights ?? {}))
    if (weight !== undefined) w[kind as CommandKind] = weight
  const actors = actorArb(options.parties)
  // Most sends come from a role the event allows, so they exercise states, not only refusals.
  const sendArb = (stale: boolean) =>
    eventArb(workflow, undefined, options).chain((e) => {
      const roles = workflow.events[e.type]?.roles
      const fitting =
        roles && canFit(options.parties, roles)
          ? actorArb(options.parties, { roles, outsiders: false })
          : actors
      return fc
        .oneof({ weight: 3, arbitrary: fitting }, { weight: 1, arbitrary: actors })
        .map((actor): WorkflowCommand => ({ kind: 'send', actor, ...e, ...(stale ? { stale: true } : {}) }))
    })
  const kinds: fc.WeightedArbitrary<WorkflowCommand>[] = [
    {
      weight: w.step,
      arbitrary: fc
        .record({
          pick: fc.nat({ max: 99 }),
          seed: fc.nat(),
          moves: fc.oneof(
            { weight: 3, arbitrary: fc.constant(true) },
            { weight: 1, arbitrary: fc.constant(false) },
          ),
        })
        .map((r): WorkflowCommand => ({ kind: 'step', ...r })),
    },
    { weight: w.send, arbitrary: sendArb(false) },
    { weight: w.stale, arbitrary: sendArb(true) },
    {
      weight: w.advance,
      arbitrary: fc
        .oneof(
          fc.integer({ min: 1, max: 6 * 3_600_000 }),
          fc.integer({ min: 1, max: 10 }).map((d) => d * DAY),
        )
        .map((ms): WorkflowCommand => ({ kind: 'advance', ms })),
    },
    { weight: w.runDeadlines, arbitrary: fc.constant<WorkflowCommand>({ kind: 'runDeadlines' }) },
    { weight: w.skipToDeadline, arbitrary: fc.constant<WorkflowCommand>({ kind: 'skipToDeadline' }) },
    { weight: w.retry, arbitrary: fc.constant<WorkflowCommand>({ kind: 'retry' }) },
  ]
  return fc.array(fc.oneof(...kinds.filter((k) => k.weight > 0)), {
    maxLength: options.maxCommands ?? 30,
    size: 'max',
  })
}
