import type { AnyMachineSnapshot } from 'xstate'
import { fromZodIssues, ParleyError } from '../errors/parley-error'
import type { Actor, Parties } from '../model/actor'
import type { AuditEntry, CaseRecord, ClaimedDeadline } from '../model/case'
import type { WorkflowDefinition, WorkflowEvent } from '../workflow/define-workflow'
import { planDeadlines } from './deadlines'
import { createId } from './ids'
import { accepts, restoreMachine, startMachine, stepMachine } from './machine-step'
import { backoff, type Runtime, wrapStore } from './runtime'
import { activePaths, statePath } from './state-path'
import { auditEntry, writeStep } from './step'
import type { CaseCommand, OpenOptions, SendOptions } from './types'
import { assertParty, type CaseView, isParty, viewOf } from './view'

const OPEN = '$open'

/** `engine.open`: validate, start the machine, write case + audit + outbox + deadlines at once. */
export async function open(rt: Runtime, name: string, input: unknown, opts: OpenOptions): Promise<CaseView> {
  const actor = rt.checkActor(opts?.actor, 'actor')
  const def = rt.workflow(name, opts.version)
  const print =
    opts.idempotencyKey === undefined ? '' : rt.fingerprint(['open', def.name, input, actor], ['input'])
  if (opts.idempotencyKey !== undefined) {
    const replayed = await rt.replay(opts.idempotencyKey, print, actor)
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
  const now = rt.clock.now()
  const id = createId(`${def.name.slice(0, 3)}_`)
  const result = startMachine(def, { input: parsed.data, parties, actor, at: now, caseId: id })
  const state = statePath(result.snapshot.value)
  const plan = planDeadlines(def, id, null, activePaths(result.snapshot.value), result.snapshot.context, now)
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
  const events = rt.stamp(record, result, now)
  const entry = auditEntry(null, record, { type: OPEN, payload: parsed.data, actor, at: now }, events)
  try {
    await rt.store.transaction(async (tx) => {
      await writeStep(tx, { next: record, entry, events, plan }, null)
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
      const replayed = await rt.replay(opts.idempotencyKey, print, actor)
      if (replayed) return replayed
    }
    throw wrapStore(error)
  }
  rt.publish(events)
  return viewOf(def, record, actor)
}

export interface Prepared {
  def: WorkflowDefinition
  event: WorkflowEvent
  audience: AuditEntry['audience']
}

/**
 * The first checks of `send`, shared with `can`: the event type exists, the actor's role may send
 * it and, unless the event says otherwise, the actor is a party of the case.
 * @throws ParleyError `VALIDATION` (unknown type) or `FORBIDDEN`
 */
export function senderSpec(rt: Runtime, record: CaseRecord, type: unknown, actor: Actor) {
  const def = rt.workflow(record.workflow, record.workflowVersion)
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
  if (spec.requireParty !== false) assertParty(record, actor)
  return { def, spec }
}

/** Authorise and validate, in the order DESIGN.md gives: role, party, payload, then state. */
export function prepare(
  rt: Runtime,
  record: CaseRecord,
  command: CaseCommand,
  actor: Actor,
  now: number,
): Prepared {
  const { def, spec } = senderSpec(rt, record, command?.type, actor)
  const type = command.type
  // A missing payload means "no fields"; an explicit null is validated as sent.
  const parsed = spec.schema.safeParse(command.payload === undefined ? {} : command.payload)
  if (!parsed.success) {
    throw new ParleyError(
      'VALIDATION',
      `Invalid payload for "${type}": ${parsed.error.issues[0]?.message ?? 'bad payload'}.`,
      {
        issues: fromZodIssues(parsed.error.issues, ['payload']),
      },
    )
  }
  const context = (record.snapshot as { context?: unknown } | null)?.context
  const refusal = spec.authorize?.(parsed.data, actor, record, context)
  if (refusal) throw new ParleyError('FORBIDDEN', refusal, { details: { caseId: record.id, type } })
  return {
    def,
    event: { type, payload: parsed.data, actor, at: now },
    audience: spec.audience?.(parsed.data, actor),
  }
}

/** Runs an event through the machine and builds everything the transaction writes. */
export function transitionCase(
  rt: Runtime,
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
  return { next, plan, events: rt.stamp(next, result, event.at) }
}

/** `engine.send`: one atomic step, retried on a lost race when no `expectedVersion` was given. */
export async function send(
  rt: Runtime,
  caseId: string,
  command: CaseCommand,
  opts: SendOptions,
): Promise<CaseView> {
  const actor = rt.checkActor(opts?.actor, 'actor')
  const key = opts.idempotencyKey
  const print =
    key === undefined
      ? ''
      : rt.fingerprint(
          ['send', caseId, command?.type, command?.payload === undefined ? {} : command.payload, actor],
          ['payload'],
        )
  if (key !== undefined) {
    const replayed = await rt.replay(key, print, actor)
    if (replayed) return replayed
  }
  for (let attempt = 0; ; attempt++) {
    const record = await rt.load(caseId)
    if (opts.expectedVersion !== undefined && record.version !== opts.expectedVersion) {
      throw new ParleyError(
        'CONFLICT',
        `Case ${caseId} is at version ${record.version}, not ${opts.expectedVersion}. Reload it and decide again.`,
        {
          details: { caseId, expectedVersion: opts.expectedVersion, actualVersion: record.version },
        },
      )
    }
    const now = rt.clock.now()
    const { def, event, audience } = prepare(rt, record, command, actor, now)
    const { next, plan, events } = transitionCase(rt, record, def, event)
    const entry = auditEntry(record, next, event, events, audience)
    try {
      await rt.store.transaction(async (tx) => {
        await writeStep(tx, { next, entry, events, plan }, record.version)
        if (key !== undefined)
          await tx.putIdempotency({ key, fingerprint: print, caseId, result: next, at: now })
      })
    } catch (error) {
      if (ParleyError.is(error, 'CONFLICT')) {
        if (key !== undefined) {
          const replayed = await rt.replay(key, print, actor)
          if (replayed) return replayed
        }
        if (opts.expectedVersion === undefined && attempt < rt.maxRetries) {
          await backoff(attempt)
          continue
        }
      }
      throw wrapStore(error)
    }
    rt.publish(events)
    return viewOf(def, next, actor)
  }
}
