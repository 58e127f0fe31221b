import EventEmitter from 'eventemitter3'
import { fromZodIssues, type IssuePath, ParleyError } from '../errors/parley-error'
import { type Actor, actorSchema } from '../model/actor'
import type { CaseRecord, DomainEvent, IdempotencyRecord } from '../model/case'
import { memoryStore } from '../store/memory-store'
import type { Store } from '../store/store'
import { type Clock, systemClock } from '../time/clock'
import type { WorkflowDefinition } from '../workflow/define-workflow'
import { createId } from './ids'
import type { MachineResult } from './machine-step'
import type { EngineOptions } from './types'
import { type CaseView, viewOf } from './view'

/** The engine's shared state and helpers, passed to the command, scheduler and query modules. */
export interface Runtime {
  readonly store: Store
  readonly clock: Clock
  readonly maxRetries: number
  readonly leaseMs: number
  readonly emitter: EventEmitter
  readonly registry: ReadonlyMap<string, ReadonlyMap<number, WorkflowDefinition>>
  workflow(name: string, version?: number): WorkflowDefinition
  checkActor(actor: unknown, path: string): Actor
  load(caseId: string): Promise<CaseRecord>
  /** A stable string of a request, for idempotency keys. @throws ParleyError `VALIDATION` (path `at`) */
  fingerprint(parts: unknown, at: IssuePath): string
  replay(key: string, print: string, viewer: Actor): Promise<CaseView | null>
  stamp(record: CaseRecord, result: MachineResult, at: number): DomainEvent[]
  publish(events: readonly DomainEvent[]): void
  /** The view of a stored case for `viewer`, with its workflow's redaction when registered. */
  view(record: CaseRecord, viewer: Actor): CaseView
}

/** Builds the runtime from the engine options. */
export function createRuntime(options: EngineOptions): Runtime {
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
  // The newest version of each workflow: what `open` uses unless told otherwise.
  const latest = new Map(
    [...registry].map(([name, versions]) => [name, versions.get(Math.max(...versions.keys()))!]),
  )

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
    if (version === undefined) return latest.get(name)!
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

  function fingerprint(parts: unknown, at: IssuePath): string {
    // Runs before the input is validated (a retry must replay even if the role check would now
    // fail), so it must take any value: bigints get a tagged form, cycles are a VALIDATION error.
    try {
      return JSON.stringify(parts, (_key, v) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v))
    } catch (cause) {
      throw new ParleyError(
        'VALIDATION',
        'A request made with an idempotency key must be serialisable as JSON (no cycles).',
        { cause, issues: [{ code: 'invalid_type', path: at, message: 'expected a value without cycles' }] },
      )
    }
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
    return view(prior.result, viewer)
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

  function view(record: CaseRecord, viewer: Actor): CaseView {
    return viewOf(registry.get(record.workflow)?.get(record.workflowVersion), record, viewer)
  }

  return {
    store,
    clock,
    maxRetries,
    leaseMs,
    emitter,
    registry,
    workflow,
    checkActor,
    load,
    fingerprint,
    replay,
    stamp,
    publish,
    view,
  }
}

/** Wraps a non-Parley failure of the store. */
export function wrapStore(error: unknown): unknown {
  if (error instanceof ParleyError) return error
  return new ParleyError(
    'STORE_FAILED',
    `The store failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  )
}

/** Short randomised pause between retries of a lost race. */
export function backoff(attempt: number): Promise<void> {
  const ms = Math.min(50, 2 ** Math.min(attempt, 5)) * Math.random()
  return new Promise((resolve) => setTimeout(resolve, ms))
}
