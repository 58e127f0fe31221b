import { ParleyError } from '../errors/parley-error'
import { SYSTEM_ACTOR } from '../model/actor'
import type { ClaimedDeadline } from '../model/case'
import type { WorkflowEvent } from '../workflow/define-workflow'
import { transitionCase } from './commands'
import { backoff, type Runtime, wrapStore } from './runtime'
import { auditEntry, writeStep } from './step'

/** Thrown inside a firing's transaction to roll it back when the claim no longer holds. */
const LOST_CLAIM = new Error('deadline claim lost')

/** Fires one claimed deadline; true when it changed the case. */
export async function fire(rt: Runtime, claim: ClaimedDeadline): Promise<boolean> {
  for (let attempt = 0; attempt <= rt.maxRetries; attempt++) {
    const record = await rt.store.getCase(claim.caseId)
    const stale = !record || record.done || record.timers?.armed?.[claim.name] !== claim.dueAt
    if (stale) {
      await rt.store.transaction((tx) => tx.completeDeadline(claim.caseId, claim.name, claim.token))
      return false
    }
    const def = rt.workflow(record.workflow, record.workflowVersion)
    const now = rt.clock.now()
    const event: WorkflowEvent = {
      type: claim.event,
      payload: { deadline: claim.name, dueAt: claim.dueAt },
      actor: SYSTEM_ACTOR,
      at: now,
    }
    let built: Pick<ReturnType<typeof transitionCase>, 'next' | 'events'> & {
      plan: { cancel: string[]; upsert: ReturnType<typeof transitionCase>['plan']['upsert'] }
    }
    let refused = false
    try {
      built = transitionCase(rt, record, def, event, claim)
    } catch (error) {
      if (!ParleyError.is(error, 'EVENT_NOT_ALLOWED')) throw error
      // The state has the deadline but a guard refused its event. Record that it came due (an
      // audit entry, so versions and audit stay in step) and disarm it: it is not re-armed for
      // this due time, and the case's view no longer shows it.
      refused = true
      const { [claim.name]: _gone, ...armed } = record.timers.armed
      built = {
        next: {
          ...record,
          version: record.version + 1,
          timers: { ...record.timers, armed, fired: { ...record.timers.fired, [claim.name]: claim.dueAt } },
          updatedAt: now,
        },
        plan: { cancel: [], upsert: [] },
        events: [],
      }
    }
    const { next, plan, events } = built
    const payload = refused ? { ...(event.payload as object), refused: true } : event.payload
    const entry = auditEntry(record, next, { ...event, payload }, events)
    try {
      const committed = await rt.store
        .transaction(async (tx) => {
          // The case row first (writeStep), as in `send`: one lock order everywhere, so
          // row-locking stores cannot deadlock a firing against a send.
          await writeStep(tx, { next, entry, events, plan }, record.version)
          if (!(await tx.completeDeadline(claim.caseId, claim.name, claim.token))) throw LOST_CLAIM
          return true
        })
        .catch((error: unknown) => {
          // Another scheduler took the deadline over (our lease ran out): it fires it, not us.
          if (error === LOST_CLAIM) return false
          throw error
        })
      if (committed) rt.publish(events)
      return committed && !refused
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

/** `engine.runDueDeadlines`: claim what is due and fire it, until nothing due is left. */
export async function runDueDeadlines(rt: Runtime, opts: { limit?: number } = {}): Promise<number> {
  const limit = opts.limit ?? 100
  let fired = 0
  // Keep claiming until nothing is due: a firing may arm a deadline that is already due.
  for (let round = 0; round < 1000; round++) {
    const claims = await rt.store.claimDue(rt.clock.now(), limit, rt.leaseMs)
    if (claims.length === 0) break
    for (const claim of claims) if (await fire(rt, claim)) fired++
    if (claims.length < limit) {
      const next = await rt.store.nextDueAt()
      if (next === null || next > rt.clock.now()) break
    }
  }
  return fired
}

/** `engine.startScheduler`: poll `runDueDeadlines` without overlapping runs. */
export function startScheduler(
  rt: Runtime,
  opts: { intervalMs?: number; onError?: (e: unknown) => void } = {},
) {
  const interval = opts.intervalMs ?? 1000
  const onError = opts.onError ?? ((e: unknown) => console.error('[parley] scheduler run failed', e))
  let running: Promise<unknown> | null = null
  const tick = () => {
    if (running) return
    running = runDueDeadlines(rt)
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
