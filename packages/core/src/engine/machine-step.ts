import { type AnyActorRef, type AnyMachineSnapshot, createActor } from 'xstate'
import { ParleyError } from '../errors/parley-error'
import type { CaseRecord } from '../model/case'
import type { Audience } from '../model/message'
import type { WorkflowDefinition, WorkflowEvent, WorkflowInput } from '../workflow/define-workflow'

/** A domain event as the machine emitted it, before the engine stamps ids. */
export interface EmittedEvent {
  readonly type: string
  readonly payload: unknown
  readonly audience?: Audience
}

/** The outcome of running one event through a machine. */
export interface MachineResult {
  readonly snapshot: AnyMachineSnapshot
  readonly persisted: unknown
  readonly emitted: EmittedEvent[]
}

function collect(actor: AnyActorRef, into: EmittedEvent[]): void {
  actor.on('*', (e: { type: string; payload?: unknown; audience?: Audience }) => {
    const { type, payload, audience, ...rest } = e
    into.push({ type, payload: payload ?? rest, ...(audience ? { audience } : {}) })
  })
}

function failed(def: WorkflowDefinition, what: string, cause: unknown): ParleyError {
  return new ParleyError(
    'WORKFLOW_FAILED',
    `Workflow ${def.id} threw while ${what}: ${cause instanceof Error ? cause.message : String(cause)}. Nothing was written.`,
    { cause },
  )
}

function run(def: WorkflowDefinition, actor: AnyActorRef, what: string, act: () => void): MachineResult {
  const emitted: EmittedEvent[] = []
  collect(actor, emitted)
  let error: unknown
  let hasError = false
  // Without an error observer XState rethrows asynchronously and would crash the process.
  const sub = actor.subscribe({
    error: (e: unknown) => {
      error = e
      hasError = true
    },
  })
  try {
    act()
  } catch (e) {
    throw failed(def, what, e)
  } finally {
    sub.unsubscribe()
  }
  const snapshot = actor.getSnapshot() as AnyMachineSnapshot
  if (hasError || snapshot.status === 'error') throw failed(def, what, error ?? snapshot.error)
  const persisted = actor.getPersistedSnapshot()
  actor.stop()
  return { snapshot, persisted, emitted }
}

/** Starts a new case's machine with its input. */
export function startMachine(def: WorkflowDefinition, input: WorkflowInput): MachineResult {
  let actor: AnyActorRef
  try {
    actor = createActor(def.machine, { input })
  } catch (e) {
    throw failed(def, 'opening a case', e)
  }
  return run(def, actor, 'opening a case', () => actor.start())
}

/** Restores a stored case's machine. @throws ParleyError `CASE_CORRUPT` when the snapshot does not fit. */
export function restoreMachine(def: WorkflowDefinition, record: CaseRecord): AnyActorRef {
  try {
    const actor = createActor(def.machine, { snapshot: record.snapshot as never })
    const snapshot = actor.getSnapshot() as AnyMachineSnapshot
    if (!snapshot || typeof snapshot.can !== 'function' || snapshot.value === undefined)
      throw new Error('no state')
    return actor
  } catch (cause) {
    throw new ParleyError(
      'CASE_CORRUPT',
      `Case ${record.id} cannot be restored by workflow ${def.id}: its stored snapshot does not fit the machine. Check that the engine registers the version that opened it, unchanged.`,
      {
        cause,
        details: { caseId: record.id, workflow: def.id },
        issues: [
          {
            code: 'corrupt_row',
            path: ['snapshot'],
            message: `expected a persisted snapshot of workflow ${def.id}`,
          },
        ],
      },
    )
  }
}

/** True when the machine, in its current state, takes `event` (guards included). */
export function accepts(actor: AnyActorRef, event: WorkflowEvent): boolean {
  const snapshot = actor.getSnapshot() as AnyMachineSnapshot
  if (snapshot.status !== 'active') return false
  return snapshot.can(event as never)
}

/** Sends one event to a restored machine and collects what it emitted. */
export function stepMachine(
  def: WorkflowDefinition,
  actor: AnyActorRef,
  event: WorkflowEvent,
): MachineResult {
  return run(def, actor, `handling "${event.type}"`, () => {
    actor.start()
    actor.send(event)
  })
}
