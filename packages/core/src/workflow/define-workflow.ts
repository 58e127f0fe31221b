import type { AnyStateMachine } from 'xstate'
import type { z } from 'zod'
import { ParleyError } from '../errors/parley-error'
import type { Actor, Parties, Role } from '../model/actor'
import type { CaseRecord } from '../model/case'
import type { Audience } from '../model/message'
import { type Duration, parseDuration } from '../time/duration'
import { allNodes, pathOf } from './machine-graph'

/** The event object a workflow's machine receives: type, validated payload, who sent it, when. */
export interface WorkflowEvent<TType extends string = string, TPayload = unknown> {
  readonly type: TType
  readonly payload: TPayload
  readonly actor: Actor
  /** Epoch ms from the engine's clock. */
  readonly at: number
}

/**
 * A domain event as a machine emits it with XState's `emit()`. Declare it in `setup({ types: {
 * emitted: {} as EmittedEvent } })` so `emit({ type, payload })` type-checks.
 */
export interface EmittedEvent {
  readonly type: string
  readonly payload?: unknown
  /** Who may see it; absent means every party. */
  readonly audience?: Audience
}

/** The `input` a workflow's machine receives when a case opens. */
export interface WorkflowInput<TInput = unknown> {
  /** The validated open input. */
  readonly input: TInput
  readonly parties: Parties
  /** Who opened the case. */
  readonly actor: Actor
  /** Epoch ms. */
  readonly at: number
  /** The new case's id. */
  readonly caseId: string
}

/** How one event type may be sent to a workflow. */
export interface EventDefinition<TPayload = unknown> {
  /** zod schema of the payload. Use `z.object({})` for events without one. */
  readonly schema: z.ZodType<TPayload>
  /** Roles allowed to send it. Non-operator senders must also be parties of the case. */
  readonly roles: readonly Role[]
  /**
   * Who may read this event in the audit trail (and its domain events): messages use their
   * audience. Absent → every party.
   */
  readonly audience?: (payload: TPayload, actor: Actor) => Audience | undefined
  /**
   * Extra authorisation on the payload: return a reason to refuse with `FORBIDDEN` (for
   * example, a buyer posting to the seller's side channel). `context` is the machine's context.
   */
  readonly authorize?: (
    payload: TPayload,
    actor: Actor,
    record: CaseRecord,
    context: unknown,
  ) => string | null | undefined
  /**
   * Whether the sender must be a party of the case. Set `false` for events anyone holding one
   * of `roles` may send, such as a buyer reporting a published listing. @default true
   */
  readonly requireParty?: boolean
  /** One line for generated docs. */
  readonly description?: string
}

/** Arguments a computed deadline receives. */
export interface DeadlineArgs<TContext> {
  readonly context: TContext
  /** Epoch ms the owning state was (first) entered. */
  readonly enteredAt: number
}

/**
 * A deadline owned by a state: a duration after the state was entered, or a computed due time
 * (`due`; not named `at`, which strings already have and would break inference).
 * When it fires, the engine sends `event` (default: the deadline's name) as the `system` actor.
 */
export type DeadlineSpec<TContext = any> =
  | Duration
  | {
      /** A duration after entry, or a function of the context returning one (`null`: no deadline). */
      readonly after?: Duration | ((context: TContext) => Duration | null | undefined)
      /**
       * An absolute due time (epoch ms) computed from the context and entry time; for business-hours
       * calendars and anchors kept in the context. `null`: no deadline. Re-evaluated after every
       * event while the state is active, so a changed anchor re-arms the deadline.
       */
      readonly due?: (args: DeadlineArgs<TContext>) => number | null | undefined
      /** Event type sent when it fires; @default the deadline's name */
      readonly event?: string
      readonly description?: string
    }

/** Everything `defineWorkflow` takes. */
export interface WorkflowConfig<TInput = any, TContext = any> {
  /** Stable name (`dispute`). */
  readonly name: string
  /** Positive integer; a case stays on the version that opened it. */
  readonly version: number
  /**
   * The XState v5 machine. It receives {@link WorkflowInput} as `input` and {@link WorkflowEvent}s.
   * Domain events are emitted with XState's `emit({ type, payload, audience? })`. Do not use
   * `after` (timers are lost on restore): declare `deadlines` instead.
   */
  readonly machine: AnyStateMachine
  /** zod schema of the open input. */
  readonly input: z.ZodType<TInput>
  /** The parties of a new case; @default `input.parties` */
  readonly parties?: (input: TInput, actor: Actor) => Parties
  /** Roles that may open a case; the opener must hold the party id it claims. @default all party roles */
  readonly openRoles?: readonly Role[]
  /** The events outsiders may send. */
  readonly events: Readonly<Record<string, EventDefinition<any>>>
  /** Durable deadlines by state path (`awaitingSeller`, `published.visible`), then by name. */
  readonly deadlines?: Readonly<Record<string, Readonly<Record<string, DeadlineSpec<TContext>>>>>
  /** Domain events the machine emits, with payload schemas (documentation and typing). */
  readonly emits?: Readonly<Record<string, z.ZodType>>
  /**
   * What a viewer may see of the context. @default the context, with `messages` filtered by audience.
   */
  readonly view?: (context: TContext, viewer: Actor) => unknown
  /** One paragraph for generated docs. */
  readonly description?: string
}

/** A workflow ready for `createEngine`. */
export interface WorkflowDefinition<TInput = any, TContext = any> extends WorkflowConfig<TInput, TContext> {
  /** `name@version`. */
  readonly id: string
  readonly openRoles: readonly Role[]
  /** Deadlines normalised: state path → name → definition. */
  readonly normalizedDeadlines: ReadonlyMap<string, ReadonlyMap<string, NormalizedDeadline<TContext>>>
}

/** A deadline after `defineWorkflow` checked it. */
export interface NormalizedDeadline<TContext = any> {
  readonly name: string
  readonly state: string
  readonly event: string
  readonly due: (args: DeadlineArgs<TContext>) => number | null
}

const NAME = /^[a-z][A-Za-z0-9_.-]{0,63}$/

/**
 * Checks a workflow and returns its definition.
 * @throws ParleyError `VALIDATION` when the name, version, deadlines or durations are wrong.
 * @example
 * const returns = defineWorkflow({ name: 'returns', version: 1, machine, input, events: { approve: { schema: z.object({}), roles: ['seller'] } } })
 */
export function defineWorkflow<TInput, TContext>(
  config: WorkflowConfig<TInput, TContext>,
): WorkflowDefinition<TInput, TContext> {
  const fault = (path: (string | number)[], message: string): never => {
    throw new ParleyError('VALIDATION', `Invalid workflow "${config.name}": ${message}`, {
      issues: [{ code: 'invalid_workflow', path, message }],
    })
  }
  if (typeof config.name !== 'string' || !NAME.test(config.name))
    fault(['name'], 'a name starts with a lowercase letter, up to 64 characters of letters, digits, _ . -')
  if (!Number.isInteger(config.version) || config.version < 1)
    fault(['version'], 'version must be a positive integer')
  const stateIds = collectStatePaths(config.machine)
  const normalized = new Map<string, Map<string, NormalizedDeadline<TContext>>>()
  for (const [state, byName] of Object.entries(config.deadlines ?? {})) {
    if (!stateIds.has(state))
      fault(['deadlines', state], `no state "${state}" in the machine (known: ${[...stateIds].join(', ')})`)
    const map = new Map<string, NormalizedDeadline<TContext>>()
    for (const [name, spec] of Object.entries(byName)) {
      if (name in config.events)
        fault(
          ['deadlines', state, name],
          `deadline "${name}" has the name of an outside event; deadline events are sent by the system only`,
        )
      map.set(
        name,
        normalizeDeadline(name, state, spec, (m) => fault(['deadlines', state, name], m)),
      )
    }
    normalized.set(state, map)
  }
  for (const [type, def] of Object.entries(config.events)) {
    if (!def || typeof def.schema?.safeParse !== 'function')
      fault(['events', type, 'schema'], 'each event needs a zod schema')
    if (!Array.isArray(def.roles) || def.roles.length === 0)
      fault(['events', type, 'roles'], 'each event lists the roles that may send it')
  }
  return {
    ...config,
    id: `${config.name}@${config.version}`,
    openRoles: config.openRoles ?? ['buyer', 'seller', 'operator'],
    normalizedDeadlines: normalized,
  }
}

function normalizeDeadline<C>(
  name: string,
  state: string,
  spec: DeadlineSpec<C>,
  fail: (message: string) => never,
): NormalizedDeadline<C> {
  if (typeof spec === 'number' || typeof spec === 'string') {
    const ms = parseDuration(spec)
    return { name, state, event: name, due: ({ enteredAt }) => enteredAt + ms }
  }
  if (spec.due && spec.after !== undefined) fail('give either `after` or `due`, not both')
  const event = spec.event ?? name
  if (spec.due) {
    const at = spec.due
    return {
      name,
      state,
      event,
      due: (args) => {
        const v = at(args)
        return typeof v === 'number' && Number.isFinite(v) ? v : null
      },
    }
  }
  const after = spec.after
  if (after === undefined) return fail('a deadline needs `after` or `due`')
  if (typeof after !== 'function') {
    const ms = parseDuration(after)
    return { name, state, event, due: ({ enteredAt }) => enteredAt + ms }
  }
  return {
    name,
    state,
    event,
    due: ({ context, enteredAt }) => {
      const d = after(context)
      return d === null || d === undefined ? null : enteredAt + parseDuration(d)
    },
  }
}

/** All state paths of a machine (`a`, `a.b`), from its state nodes. */
export function collectStatePaths(machine: AnyStateMachine): Set<string> {
  return new Set(allNodes(machine).map(pathOf))
}
