import EventEmitter from 'eventemitter3'
import type { AnyMachineSnapshot } from 'xstate'
import { fromZodIssues, ParleyError } from '../errors/parley-error'
import { type Actor, actorSchema, type Parties, SYSTEM_ACTOR } from '../model/actor'
import type { AuditEntry, CaseRecord, ClaimedDeadline, DomainEvent, IdempotencyRecord } from '../model/case'
import { canSee } from '../model/message'
import { memoryStore } from '../store/memory-store'
import type { CaseQuery, Page, Store, StoreTransaction } from '../store/store'
import { type Clock, systemClock } from '../time/clock'
import type { WorkflowDefinition, WorkflowEvent } from '../workflow/define-workflow'
import { planDeadlines } from './deadlines'
import { createId } from './ids'
import { accepts, type MachineResult, restoreMachine, startMachine, stepMachine } from './machine-step'
import { activePaths, statePath } from './state-path'
import { type CaseView, isParty, viewOf } from './view'

/**
 * Payload types of domain events by type. Packages that define workflows augment it
 * (`declare module '@parley/core' { interface DomainEventMap { 'dispute.escalated': {...} } }`)
 * so `engine.on` handlers are typed.
 */
// biome-ignore lint/suspicious/noEmptyInterface: augmented by workflow packages
export interface DomainEventMap {}

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Every workflow (and version) the engine runs. */
  workflows: readonly WorkflowDefinition[]
  /** @default memoryStore() */
  store?: Store
  /** @default the system clock */
  clock?: Clock
  /** Attempts of a `send` without `expectedVersion` that lost a race; @default 20 */
  maxRetries?: number
  /** How long a claimed deadline is reserved for one scheduler; @default 30_000 ms */
  deadlineLeaseMs?: number
  /** Called when an `on` handler throws (the event is committed either way); @default console.error */
  onListenerError?: (error: unknown, event: DomainEvent) => void
}

/** Options of `open`. */
export interface OpenOptions {
  actor: Actor
  /** A retry with the same key returns the first result and writes nothing. */
  idempotencyKey?: string
  /** Open on this version instead of the newest registered. */
  version?: number
}

/** Options of `send`. */
export interface SendOptions {
  actor: Actor
  /** Fail with `CONFLICT` unless the case is at this version. Without it, a lost race is retried. */
  expectedVersion?: number
  idempotencyKey?: string
}

/** An event sent from outside: its type and payload. */
export interface CaseCommand {
  readonly type: string
  readonly payload?: unknown
}

/** The answer of `can`. */
export interface Permission {
  readonly allowed: boolean
  /** Why not, as the error code `send` would throw. */
  readonly code?: 'FORBIDDEN' | 'EVENT_NOT_ALLOWED' | 'VALIDATION'
  readonly reason?: string
}

/** Query of `engine.list`: the store's filters plus an optional viewer. */
export interface ListQuery extends CaseQuery {
  /** Redact for this viewer; a buyer or seller only sees cases they are a party of. */
  viewer?: Actor
}

type Handler<K extends string> = (
  event: DomainEvent<K extends keyof DomainEventMap ? DomainEventMap[K] : unknown>,
) => void

/** The Parley engine: opens cases, applies events atomically, fires durable deadlines. */
export interface Engine {
  readonly store: Store
  readonly clock: Clock
  /** Opens a case of the named workflow. */
  open(workflow: string, input: unknown, options: OpenOptions): Promise<CaseView>
  /** Applies one event to a case, atomically. */
  send(caseId: string, event: CaseCommand, options: SendOptions): Promise<CaseView>
  /** The case as `viewer` may see it. */
  get(caseId: string, options: { viewer: Actor }): Promise<CaseView>
  /** Cases matching the filters, with keyset pagination. */
  list(query?: ListQuery): Promise<Page<CaseView>>
  /** The audit trail, filtered by what `viewer` may see. */
  history(caseId: string, options: { viewer: Actor }): Promise<AuditEntry[]>
  /** Whether `actor` may send `type` now (payload-dependent guards aside). */
  can(caseId: string, type: string, options: { actor: Actor; payload?: unknown }): Promise<Permission>
  /** The event types `actor` may send now: the buttons a UI draws. */
  allowedEvents(caseId: string, options: { actor: Actor }): Promise<string[]>
  /** Subscribes to a domain event type, or `*` for all; returns the unsubscribe function. */
  on<K extends keyof DomainEventMap | (string & {})>(type: K | '*', handler: Handler<K & string>): () => void
  /** Fires every deadline due now, each exactly once across callers; returns how many fired. */
  runDueDeadlines(options?: { limit?: number }): Promise<number>
  /** Polls `runDueDeadlines`; returns a function that stops it and waits for the current run. */
  startScheduler(options?: { intervalMs?: number; onError?: (e: unknown) => void }): () => Promise<void>
  /** The registered workflow definition. */
  workflow(name: string, version?: number): WorkflowDefinition
}

const OPEN = '$open'

/**
 * Creates an engine.
 * @example
 * const engine = createEngine({ workflows: [dispute()], store: memoryStore() })
 * const c = await engine.open('dispute', input, { actor: { role: 'buyer', id: 'b1' } })
 */
export function createEngine(options: EngineOptions): Engine {
  const store = options.store ?? memoryStore()
  const clock = options.clock ?? systemClock
  const maxRetries = options.maxRetries ?? 20
  const leaseMs = options.deadlineLeaseMs ?? 30_000
  const onListenerError =
    options.onListenerError ??
    ((e: unknown, ev: DomainEvent) => console.error(`[parley] listener of ${ev.type} threw`, e))
  const emitter = new EventEmitter()
  const registry = new Map<string, Map<number, WorkflowDefinition>>()
  for (const def of options.workflows) {
    let versions = registry.get(def.name)
    if (!versions) {
      versions = new Map()
      registry.set(def.name, versions)
    }
    if (versions.has(def.version))
      throw new ParleyError('VALIDATION', `Workflow ${def.id} is registered twice.`)
    versions.set(def.version, def)
  }

  function workflow(name: string, version?: number): WorkflowDefinition {
    const versions = registry.get(name)
    if (!versions) {
      throw new ParleyError(
        'UNKNOWN_WORKFLOW',
        `No workflow "${name}" on this engine (registered: ${[...registry.keys()].join(', ') || 'none'}).`,
        {
          details: { workflow: name },
        },
      )
    }
    if (version === undefined) return versions.get(Math.max(...versions.keys()))!
    const def = versions.get(version)
    if (!def) {
      throw new ParleyError(
        'UNKNOWN_WORKFLOW',
        `Workflow "${name}" has no version ${version} on this engine (registered: ${[...versions.keys()].join(', ')}). Keep old versions registered while cases use them.`,
        {
          details: { workflow: name, version },
        },
      )
    }
    return def
  }

  function checkActor(actor: unknown, path: string): Actor {
    const parsed = actorSchema.safeParse(actor)
    if (!parsed.success) {
      throw new ParleyError('VALIDATION', `Invalid ${path}: expected { role, id }.`, {
        issues: fromZodIssues(parsed.error.issues, [path]),
      })
    }
    return parsed.data
  }

  async function load(caseId: string): Promise<CaseRecord> {
    if (typeof caseId !== 'string' || caseId === '') {
      throw new ParleyError('VALIDATION', 'A case id is a non-empty string.', {
        issues: [{ code: 'invalid_type', path: ['caseId'], message: 'expected a non-empty string' }],
      })
    }
    const record = await store.getCase(caseId)
    if (!record) throw new ParleyError('NOT_FOUND', `No case ${caseId}.`, { details: { caseId } })
    return record
  }

  function fingerprint(parts: unknown): string {
    return JSON.stringify(parts)
  }

  async function replay(key: string, print: string, viewer: Actor): Promise<CaseView | null> {
    const prior = await store.getIdempotency(key)
    if (!prior) return null
    return fromIdempotency(prior, print, viewer)
  }

  function fromIdempotency(prior: IdempotencyRecord, print: string, viewer: Actor): CaseView {
    if (prior.fingerprint !== print) {
      throw new ParleyError(
        'CONFLICT',
        `Idempotency key ${prior.key} was already used for a different request. Use a new key for a new request.`,
        {
          details: { idempotencyKey: prior.key, caseId: prior.caseId },
        },
      )
    }
    const result = prior.result
    return viewOf(registry.get(result.workflow)?.get(result.workflowVersion), result, viewer)
  }

  function stamp(record: CaseRecord, result: MachineResult, at: number): DomainEvent[] {
    return result.emitted.map((e) => ({
      id: createId('evt_'),
      type: e.type,
      caseId: record.id,
      workflow: record.workflow,
      seq: record.version,
      at,
      payload: e.payload,
      ...(e.audience ? { audience: e.audience } : {}),
    }))
  }

  function publish(events: readonly DomainEvent[]): void {
    for (const event of events) {
      for (const name of [event.type, '*']) {
        for (const listener of emitter.listeners(name)) {
          try {
            ;(listener as (e: DomainEvent) => void)(event)
          } catch (error) {
            onListenerError(error, event)
          }
        }
      }
    }
  }

  async function applyDeadlines(
    tx: StoreTransaction,
    plan: ReturnType<typeof planDeadlines>,
    caseId: string,
  ) {
    for (const name of plan.cancel) await tx.cancelDeadline(caseId, name)
    for (const d of plan.upsert) await tx.upsertDeadline(d)
  }

  // ---- open -------------------------------------------------------------------------------

  async function open(name: string, input: unknown, opts: OpenOptions): Promise<CaseView> {
    const actor = checkActor(opts?.actor, 'actor')
    const def = workflow(name, opts.version)
    const print = opts.idempotencyKey === undefined ? '' : fingerprint(['open', def.name, input, actor])
    if (opts.idempotencyKey !== undefined) {
      const replayed = await replay(opts.idempotencyKey, print, actor)
      if (replayed) return replayed
    }
    if (!def.openRoles.includes(actor.role)) {
      throw new ParleyError(
        'FORBIDDEN',
        `A ${actor.role} may not open a ${def.name} (allowed: ${def.openRoles.join(', ')}).`,
      )
    }
    const parsed = def.input.safeParse(input)
    if (!parsed.success) {
      throw new ParleyError(
        'VALIDATION',
        `Invalid input for ${def.name}: ${parsed.error.issues[0]?.message ?? 'bad input'}.`,
        {
          issues: fromZodIssues(parsed.error.issues, ['input']),
        },
      )
    }
    const data = parsed.data as Record<string, unknown>
    const parties: Parties = def.parties
      ? def.parties(parsed.data, actor)
      : ((data?.parties as Parties | undefined) ?? {})
    if (!isParty({ parties }, actor)) {
      throw new ParleyError(
        'FORBIDDEN',
        `${actor.role} ${actor.id} opens a case they are not a party of (parties: ${JSON.stringify(parties)}).`,
      )
    }
    const now = clock.now()
    const id = createId(`${def.name.slice(0, 3)}_`)
    const result = startMachine(def, { input: parsed.data, parties, actor, at: now, caseId: id })
    const state = statePath(result.snapshot.value)
    const plan = planDeadlines(
      def,
      id,
      null,
      activePaths(result.snapshot.value),
      result.snapshot.context,
      now,
    )
    const record: CaseRecord = {
      id,
      workflow: def.name,
      workflowVersion: def.version,
      parties,
      state,
      done: result.snapshot.status === 'done',
      snapshot: result.persisted,
      version: 1,
      timers: plan.timers,
      createdAt: now,
      updatedAt: now,
    }
    const events = stamp(record, result, now)
    const entry: AuditEntry = {
      caseId: id,
      seq: 1,
      at: now,
      actor,
      type: OPEN,
      payload: parsed.data,
      from: null,
      to: state,
      emitted: events.map((e) => e.type),
    }
    try {
      await store.transaction(async (tx) => {
        await tx.insertCase(record)
        await tx.appendAudit(entry)
        await tx.enqueue(events)
        await applyDeadlines(tx, plan, id)
        if (opts.idempotencyKey !== undefined) {
          await tx.putIdempotency({
            key: opts.idempotencyKey,
            fingerprint: print,
            caseId: id,
            result: record,
            at: now,
          })
        }
      })
    } catch (error) {
      if (opts.idempotencyKey !== undefined && ParleyError.is(error, 'CONFLICT')) {
        // Another call with the same key won the race: answer what it answered.
        const replayed = await replay(opts.idempotencyKey, print, actor)
        if (replayed) return replayed
      }
      throw wrapStore(error)
    }
    publish(events)
    return viewOf(def, record, actor)
  }

  // ---- send -------------------------------------------------------------------------------

  interface Prepared {
    def: WorkflowDefinition
    event: WorkflowEvent
    audience: AuditEntry['audience']
  }

  /** Authorise and validate, in the order DESIGN.md gives: role, party, payload, then state. */
  function prepare(record: CaseRecord, command: CaseCommand, actor: Actor, now: number): Prepared {
    const def = workflow(record.workflow, record.workflowVersion)
    const type = command?.type
    const spec = typeof type === 'string' && Object.hasOwn(def.events, type) ? def.events[type] : undefined
    if (!spec) {
      throw new ParleyError(
        'VALIDATION',
        `Unknown event ${JSON.stringify(type)} for ${def.id} (known: ${Object.keys(def.events).join(', ')}).`,
        {
          issues: [
            {
              code: 'invalid_value',
              path: ['type'],
              message: `expected one of ${Object.keys(def.events).join(', ')}`,
              values: Object.keys(def.events),
            },
          ],
        },
      )
    }
    if (!spec.roles.includes(actor.role)) {
      throw new ParleyError(
        'FORBIDDEN',
        `A ${actor.role} may not send "${type}" (allowed: ${spec.roles.join(', ')}).`,
        {
          details: { caseId: record.id, type, role: actor.role },
        },
      )
    }
    if (!isParty(record, actor)) {
      throw new ParleyError('FORBIDDEN', `${actor.role} ${actor.id} is not a party of case ${record.id}.`, {
        details: { caseId: record.id },
      })
    }
    const parsed = spec.schema.safeParse(command.payload ?? {})
    if (!parsed.success) {
      throw new ParleyError(
        'VALIDATION',
        `Invalid payload for "${type}": ${parsed.error.issues[0]?.message ?? 'bad payload'}.`,
        {
          issues: fromZodIssues(parsed.error.issues, ['payload']),
        },
      )
    }
    const refusal = spec.authorize?.(parsed.data, actor, record)
    if (refusal) throw new ParleyError('FORBIDDEN', refusal, { details: { caseId: record.id, type } })
    return {
      def,
      event: { type, payload: parsed.data, actor, at: now },
      audience: spec.audience?.(parsed.data, actor),
    }
  }

  /** Runs an event through the machine and builds everything the transaction writes. */
  function transitionCase(
    record: CaseRecord,
    def: WorkflowDefinition,
    event: WorkflowEvent,
    firedNow?: ClaimedDeadline,
  ) {
    if (record.done) {
      throw new ParleyError(
        'EVENT_NOT_ALLOWED',
        `Case ${record.id} is finished (${record.state}); it accepts no more events.`,
        {
          details: { caseId: record.id, state: record.state, type: event.type },
        },
      )
    }
    const actor = restoreMachine(def, record)
    let ok: boolean
    try {
      ok = accepts(actor, event)
    } catch (e) {
      throw new ParleyError(
        'WORKFLOW_FAILED',
        `Workflow ${def.id} threw while checking "${event.type}": ${String(e)}`,
        { cause: e },
      )
    }
    if (!ok) {
      throw new ParleyError(
        'EVENT_NOT_ALLOWED',
        `Case ${record.id} is in state "${record.state}", which does not accept "${event.type}" now.`,
        {
          details: { caseId: record.id, state: record.state, type: event.type },
        },
      )
    }
    const result = stepMachine(def, actor, event)
    const snapshot = result.snapshot as AnyMachineSnapshot
    const state = statePath(snapshot.value)
    const plan = planDeadlines(
      def,
      record.id,
      record.timers,
      snapshot.status === 'done' ? [] : activePaths(snapshot.value),
      snapshot.context,
      event.at,
      firedNow ? { name: firedNow.name, dueAt: firedNow.dueAt } : undefined,
    )
    const next: CaseRecord = {
      ...record,
      state,
      done: snapshot.status === 'done',
      snapshot: result.persisted,
      version: record.version + 1,
      timers: plan.timers,
      updatedAt: event.at,
    }
    return { next, plan, events: stamp(next, result, event.at) }
  }

  async function send(caseId: string, command: CaseCommand, opts: SendOptions): Promise<CaseView> {
    const actor = checkActor(opts?.actor, 'actor')
    const key = opts.idempotencyKey
    const print =
      key === undefined ? '' : fingerprint(['send', caseId, command?.type, command?.payload ?? {}, actor])
    if (key !== undefined) {
      const replayed = await replay(key, print, actor)
      if (replayed) return replayed
    }
    for (let attempt = 0; ; attempt++) {
      const record = await load(caseId)
      if (opts.expectedVersion !== undefined && record.version !== opts.expectedVersion) {
        throw new ParleyError(
          'CONFLICT',
          `Case ${caseId} is at version ${record.version}, not ${opts.expectedVersion}. Reload it and decide again.`,
          {
            details: { caseId, expectedVersion: opts.expectedVersion, actualVersion: record.version },
          },
        )
      }
      const now = clock.now()
      const { def, event, audience } = prepare(record, command, actor, now)
      const { next, plan, events } = transitionCase(record, def, event)
      const entry: AuditEntry = {
        caseId,
        seq: next.version,
        at: now,
        actor,
        type: event.type,
        payload: event.payload,
        from: record.state,
        to: next.state,
        ...(audience ? { audience } : {}),
        emitted: events.map((e) => e.type),
      }
      try {
        await store.transaction(async (tx) => {
          await tx.updateCase(next, record.version)
          await tx.appendAudit(entry)
          await tx.enqueue(events)
          await applyDeadlines(tx, plan, caseId)
          if (key !== undefined)
            await tx.putIdempotency({ key, fingerprint: print, caseId, result: next, at: now })
        })
      } catch (error) {
        if (ParleyError.is(error, 'CONFLICT')) {
          if (key !== undefined) {
            const replayed = await replay(key, print, actor)
            if (replayed) return replayed
          }
          if (opts.expectedVersion === undefined && attempt < maxRetries) {
            await backoff(attempt)
            continue
          }
        }
        throw wrapStore(error)
      }
      publish(events)
      return viewOf(def, next, actor)
    }
  }

  // ---- deadlines --------------------------------------------------------------------------

  /** Fires one claimed deadline; true when it changed the case. */
  async function fire(claim: ClaimedDeadline): Promise<boolean> {
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const record = await store.getCase(claim.caseId)
      const stale = !record || record.done || record.timers?.armed?.[claim.name] !== claim.dueAt
      if (stale) {
        await store.transaction((tx) => tx.completeDeadline(claim.caseId, claim.name, claim.token))
        return false
      }
      const def = workflow(record.workflow, record.workflowVersion)
      const now = clock.now()
      const event: WorkflowEvent = {
        type: claim.event,
        payload: { deadline: claim.name, dueAt: claim.dueAt },
        actor: SYSTEM_ACTOR,
        at: now,
      }
      let built: ReturnType<typeof transitionCase>
      try {
        built = transitionCase(record, def, event, claim)
      } catch (error) {
        if (ParleyError.is(error, 'EVENT_NOT_ALLOWED')) {
          // The state has the deadline but a guard refused it: drop it, it will not be re-armed.
          await store.transaction((tx) => tx.completeDeadline(claim.caseId, claim.name, claim.token))
          return false
        }
        throw error
      }
      const { next, plan, events } = built
      const entry: AuditEntry = {
        caseId: record.id,
        seq: next.version,
        at: now,
        actor: SYSTEM_ACTOR,
        type: event.type,
        payload: event.payload,
        from: record.state,
        to: next.state,
        emitted: events.map((e) => e.type),
      }
      try {
        const committed = await store.transaction(async (tx) => {
          if (!(await tx.completeDeadline(claim.caseId, claim.name, claim.token))) return false
          await tx.updateCase(next, record.version)
          await tx.appendAudit(entry)
          await tx.enqueue(events)
          await applyDeadlines(tx, plan, record.id)
          return true
        })
        if (committed) publish(events)
        return committed
      } catch (error) {
        if (ParleyError.is(error, 'CONFLICT')) {
          await backoff(attempt)
          continue
        }
        throw wrapStore(error)
      }
    }
    return false
  }

  async function runDueDeadlines(opts: { limit?: number } = {}): Promise<number> {
    const limit = opts.limit ?? 100
    let fired = 0
    // Keep claiming until nothing is due: a firing may arm a deadline that is already due.
    for (let round = 0; round < 1000; round++) {
      const claims = await store.claimDue(clock.now(), limit, leaseMs)
      if (claims.length === 0) break
      for (const claim of claims) if (await fire(claim)) fired++
      if (claims.length < limit) {
        const next = await store.nextDueAt()
        if (next === null || next > clock.now()) break
      }
    }
    return fired
  }

  function startScheduler(opts: { intervalMs?: number; onError?: (e: unknown) => void } = {}) {
    const interval = opts.intervalMs ?? 1000
    const onError = opts.onError ?? ((e: unknown) => console.error('[parley] scheduler run failed', e))
    let running: Promise<unknown> | null = null
    const tick = () => {
      if (running) return
      running = runDueDeadlines()
        .catch(onError)
        .finally(() => {
          running = null
        })
    }
    const timer = setInterval(tick, interval)
    timer.unref?.()
    tick()
    return async () => {
      clearInterval(timer)
      await running
    }
  }

  // ---- reads ------------------------------------------------------------------------------

  async function get(caseId: string, opts: { viewer: Actor }): Promise<CaseView> {
    const viewer = checkActor(opts?.viewer, 'viewer')
    const record = await load(caseId)
    if (!isParty(record, viewer))
      throw new ParleyError('FORBIDDEN', `${viewer.role} ${viewer.id} is not a party of case ${caseId}.`)
    return viewOf(registry.get(record.workflow)?.get(record.workflowVersion), record, viewer)
  }

  async function history(caseId: string, opts: { viewer: Actor }): Promise<AuditEntry[]> {
    const viewer = checkActor(opts?.viewer, 'viewer')
    const record = await load(caseId)
    if (!isParty(record, viewer))
      throw new ParleyError('FORBIDDEN', `${viewer.role} ${viewer.id} is not a party of case ${caseId}.`)
    const log = await store.readAudit(caseId)
    return log.filter((e) => canSee(viewer.role, e.audience))
  }

  async function list(query: ListQuery = {}): Promise<Page<CaseView>> {
    const { viewer: rawViewer, ...filters } = query
    const viewer = rawViewer === undefined ? SYSTEM_ACTOR : checkActor(rawViewer, 'viewer')
    if (viewer.role === 'buyer' || viewer.role === 'seller')
      filters.party = { role: viewer.role, id: viewer.id }
    const page = await store.listCases(filters)
    return {
      items: page.items.map((r) => viewOf(registry.get(r.workflow)?.get(r.workflowVersion), r, viewer)),
      nextCursor: page.nextCursor,
    }
  }

  async function can(
    caseId: string,
    type: string,
    opts: { actor: Actor; payload?: unknown },
  ): Promise<Permission> {
    const actor = checkActor(opts?.actor, 'actor')
    const record = await load(caseId)
    return permission(record, type, actor, opts.payload)
  }

  function permission(record: CaseRecord, type: string, actor: Actor, payload: unknown): Permission {
    const def = workflow(record.workflow, record.workflowVersion)
    const spec = Object.hasOwn(def.events, type) ? def.events[type] : undefined
    if (!spec) return { allowed: false, code: 'VALIDATION', reason: `unknown event "${type}"` }
    if (!spec.roles.includes(actor.role))
      return { allowed: false, code: 'FORBIDDEN', reason: `a ${actor.role} may not send "${type}"` }
    if (!isParty(record, actor))
      return { allowed: false, code: 'FORBIDDEN', reason: 'not a party of this case' }
    if (record.done)
      return { allowed: false, code: 'EVENT_NOT_ALLOWED', reason: `the case is finished (${record.state})` }
    const machine = restoreMachine(def, record)
    const snapshot = machine.getSnapshot() as AnyMachineSnapshot
    let ok: boolean
    try {
      ok = snapshot.can({ type, payload: payload ?? {}, actor, at: clock.now() } as never)
    } catch {
      // A guard that needs a real payload: answer from the state's transitions alone.
      ok = snapshot._nodes.some((n) => n.on?.[type] !== undefined)
    }
    return ok
      ? { allowed: true }
      : {
          allowed: false,
          code: 'EVENT_NOT_ALLOWED',
          reason: `state "${record.state}" does not accept "${type}" now`,
        }
  }

  async function allowedEvents(caseId: string, opts: { actor: Actor }): Promise<string[]> {
    const actor = checkActor(opts?.actor, 'actor')
    const record = await load(caseId)
    const def = workflow(record.workflow, record.workflowVersion)
    return Object.keys(def.events).filter((t) => permission(record, t, actor, undefined).allowed)
  }

  function on(type: string, handler: (e: DomainEvent) => void): () => void {
    emitter.on(type, handler)
    return () => emitter.off(type, handler)
  }

  return {
    store,
    clock,
    open,
    send,
    get,
    list,
    history,
    can,
    allowedEvents,
    on: on as Engine['on'],
    runDueDeadlines,
    startScheduler,
    workflow,
  }
}

function wrapStore(error: unknown): unknown {
  if (error instanceof ParleyError) return error
  return new ParleyError(
    'STORE_FAILED',
    `The store failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  )
}

/** Short randomised pause between retries of a lost race. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** Math.min(attempt, 5)) * Math.random()
  return new Promise((resolve) => setTimeout(resolve, ms))
}
