import type { AnyMachineSnapshot } from 'xstate'
import { ParleyError } from '../errors/parley-error'
import { type Actor, SYSTEM_ACTOR } from '../model/actor'
import type { AuditEntry, CaseRecord } from '../model/case'
import { canSee } from '../model/message'
import type { Page } from '../store/store'
import type { WorkflowDefinition } from '../workflow/define-workflow'
import { senderSpec } from './commands'
import { restoreMachine } from './machine-step'
import type { Runtime } from './runtime'
import type { ListQuery, Permission } from './types'
import { assertParty, type CaseView } from './view'

/** `engine.get`: the case as the viewer may see it. */
export async function get(rt: Runtime, caseId: string, opts: { viewer: Actor }): Promise<CaseView> {
  const viewer = rt.checkActor(opts?.viewer, 'viewer')
  const record = await rt.load(caseId)
  assertParty(record, viewer)
  return rt.view(record, viewer)
}

/** `engine.history`: audit entries the viewer may see. */
export async function history(rt: Runtime, caseId: string, opts: { viewer: Actor }): Promise<AuditEntry[]> {
  const viewer = rt.checkActor(opts?.viewer, 'viewer')
  const record = await rt.load(caseId)
  assertParty(record, viewer)
  const log = await rt.store.readAudit(caseId)
  return log.filter((e) => canSee(viewer.role, e.audience))
}

/** `engine.list`: a page of cases; parties only see their own. */
export async function list(rt: Runtime, query: ListQuery = {}): Promise<Page<CaseView>> {
  const { viewer: rawViewer, ...filters } = query
  const viewer = rawViewer === undefined ? SYSTEM_ACTOR : rt.checkActor(rawViewer, 'viewer')
  if (viewer.role === 'buyer' || viewer.role === 'seller')
    filters.party = { role: viewer.role, id: viewer.id }
  const page = await rt.store.listCases(filters)
  return {
    items: page.items.map((r) => rt.view(r, viewer)),
    nextCursor: page.nextCursor,
  }
}

/** `engine.can`: whether the actor may send the event now. */
export async function can(
  rt: Runtime,
  caseId: string,
  type: string,
  opts: { actor: Actor; payload?: unknown },
): Promise<Permission> {
  const actor = rt.checkActor(opts?.actor, 'actor')
  const record = await rt.load(caseId)
  return permission(rt, record, type, actor, opts.payload)
}

/**
 * The checks of `send`, without writing: type, role, party (`senderSpec`), finished, state.
 * `snapshot` is the case's restored machine snapshot, when the caller already has it.
 */
export function permission(
  rt: Runtime,
  record: CaseRecord,
  type: string,
  actor: Actor,
  payload: unknown,
  snapshot?: AnyMachineSnapshot,
): Permission {
  let def: WorkflowDefinition
  try {
    def = senderSpec(rt, record, type, actor).def
  } catch (error) {
    if (ParleyError.is(error, 'FORBIDDEN') || ParleyError.is(error, 'VALIDATION')) {
      return { allowed: false, code: error.code as 'FORBIDDEN' | 'VALIDATION', reason: error.message }
    }
    throw error
  }
  if (record.done)
    return { allowed: false, code: 'EVENT_NOT_ALLOWED', reason: `the case is finished (${record.state})` }
  const current = snapshot ?? (restoreMachine(def, record).getSnapshot() as AnyMachineSnapshot)
  let ok: boolean
  try {
    ok = current.can({ type, payload: payload ?? {}, actor, at: rt.clock.now() } as never)
  } catch {
    // A guard that needs a real payload: answer from the state's transitions alone.
    ok = current._nodes.some((n) => n.on?.[type] !== undefined)
  }
  return ok
    ? { allowed: true }
    : {
        allowed: false,
        code: 'EVENT_NOT_ALLOWED',
        reason: `state "${record.state}" does not accept "${type}" now`,
      }
}

/** `engine.allowedEvents`: the events the actor may send now. */
export async function allowedEvents(rt: Runtime, caseId: string, opts: { actor: Actor }): Promise<string[]> {
  const actor = rt.checkActor(opts?.actor, 'actor')
  const record = await rt.load(caseId)
  const def = rt.workflow(record.workflow, record.workflowVersion)
  // One restore for all the event types, not one each.
  const snapshot = record.done ? undefined : (restoreMachine(def, record).getSnapshot() as AnyMachineSnapshot)
  return Object.keys(def.events).filter((t) => permission(rt, record, t, actor, undefined, snapshot).allowed)
}
