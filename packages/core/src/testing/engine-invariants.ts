import type { AuditEntry, CaseRecord, DeadlineRecord, OutboxRow, Store, WorkflowDefinition } from '../index'
import type { SentEvent } from './transcript'

// The engine's own invariants, checked by `checkWorkflow` around every command. Each check
// returns the violated rule and why, or null. Internal to the kit.

/** Everything the store holds about one case, captured between two commands. */
export interface StoreImage {
  readonly record: CaseRecord
  readonly audit: readonly AuditEntry[]
  readonly deadlines: readonly DeadlineRecord[]
  /** Outbox rows written since the previous capture (captures drain the outbox). */
  readonly outbox: readonly OutboxRow[]
}

/** A broken rule: its stable name and what happened. */
export interface RuleBreak {
  readonly rule: string
  readonly message: string
}

/** Reads the case, its audit, deadlines and new outbox rows; acknowledges those rows. */
export async function capture(store: Store, caseId: string, now: number): Promise<StoreImage> {
  const record = await store.getCase(caseId)
  if (!record) throw new Error(`case ${caseId} vanished from the store`)
  const audit = await store.readAudit(caseId)
  const deadlines = await store.transaction((tx) => tx.listDeadlines(caseId))
  deadlines.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const outbox: OutboxRow[] = []
  for (;;) {
    const rows = await store.claimOutbox(now, 500, 0)
    if (rows.length === 0) break
    outbox.push(...rows)
    await store.ackOutbox(rows.map((r) => r.id))
  }
  return { record, audit, deadlines, outbox }
}

const json = (v: unknown) => JSON.stringify(v)

/** A refused command changes nothing: case record, audit log, deadlines and outbox as before. */
export function refusedChangesNothing(before: StoreImage, after: StoreImage): RuleBreak | null {
  const changed: string[] = []
  if (json(before.record) !== json(after.record)) changed.push('the case record')
  if (json(before.audit) !== json(after.audit)) changed.push('the audit log')
  if (json(before.deadlines) !== json(after.deadlines)) changed.push('the deadlines')
  if (after.outbox.length > 0) changed.push(`the outbox (${after.outbox.map((r) => r.type).join(', ')})`)
  if (changed.length === 0) return null
  return { rule: 'refused-changes-nothing', message: `a refused command changed ${changed.join(', ')}` }
}

/**
 * An accepted event comes from a role the event allows, a party of the case (unless the event sets
 * `requireParty: false`), into a live case.
 */
export function acceptedFromAllowedSender(
  def: WorkflowDefinition,
  before: StoreImage,
  sent: SentEvent,
): RuleBreak | null {
  const spec = Object.hasOwn(def.events, sent.type) ? def.events[sent.type] : undefined
  if (!spec) return { rule: 'role-allowed', message: `unknown event "${sent.type}" was accepted` }
  if (!spec.roles.includes(sent.actor.role))
    return {
      rule: 'role-allowed',
      message: `"${sent.type}" was accepted from a ${sent.actor.role}, but only ${spec.roles.join(', ')} may send it`,
    }
  const { role, id } = sent.actor
  const outsider = (role === 'buyer' || role === 'seller') && before.record.parties[role] !== id
  if (outsider && spec.requireParty !== false)
    return {
      rule: 'party-only',
      message: `"${sent.type}" was accepted from ${role} ${id}, who is not a party`,
    }
  if (before.record.done)
    return {
      rule: 'final-absorbs',
      message: `"${sent.type}" was accepted by a finished case (state ${before.record.state})`,
    }
  return null
}

/** One accepted command adds exactly `count` audit entries and their domain events to the outbox. */
export function oneStepRecorded(before: StoreImage, after: StoreImage, count: number): RuleBreak | null {
  const added = after.audit.length - before.audit.length
  if (added !== count || after.record.version !== before.record.version + count)
    return {
      rule: 'audit-complete',
      message: `expected ${count} new audit entr${count === 1 ? 'y' : 'ies'} and version ${before.record.version + count}, got ${added} and version ${after.record.version}`,
    }
  if (json(after.audit.slice(0, before.audit.length)) !== json(before.audit))
    return { rule: 'audit-complete', message: 'earlier audit entries were rewritten' }
  const emitted = after.audit
    .slice(before.audit.length)
    .flatMap((e) => e.emitted.map((type) => ({ type, seq: e.seq })))
  const rows = after.outbox.map((r) => ({ type: r.type, seq: r.seq }))
  if (json(emitted) !== json(rows))
    return {
      rule: 'outbox-matches-audit',
      message: `the audit says ${json(emitted)} were emitted, the outbox holds ${json(rows)}`,
    }
  return null
}

/** The audit log is the case's whole history: seq 1..version, each entry starting where the last ended. */
export function auditComplete(image: StoreImage): RuleBreak | null {
  const { audit, record } = image
  const fail = (message: string): RuleBreak => ({ rule: 'audit-complete', message })
  if (audit.length !== record.version)
    return fail(`the case is at version ${record.version} but its audit has ${audit.length} entries`)
  for (let i = 0; i < audit.length; i++) {
    const e = audit[i]!
    if (e.seq !== i + 1) return fail(`audit entry ${i} has seq ${e.seq}, expected ${i + 1}`)
    if (i === 0 && (e.type !== '$open' || e.from !== null))
      return fail('the first audit entry is not the opening')
    const prev = audit[i - 1]
    if (prev && e.from !== prev.to)
      return fail(`entry ${e.seq} starts in "${e.from}" but entry ${prev.seq} ended in "${prev.to}"`)
    if (prev && e.at < prev.at) return fail(`entry ${e.seq} is dated before entry ${prev.seq}`)
  }
  const last = audit[audit.length - 1]
  if (last && last.to !== record.state)
    return fail(`the audit ends in "${last.to}" but the case is in "${record.state}"`)
  return null
}

/** Deadlines: only the system fires them, each occurrence once, never early, never after the end. */
export function deadlinesSound(
  def: WorkflowDefinition,
  image: StoreImage,
  now: number,
  ranDue: boolean,
): RuleBreak | null {
  const fail = (rule: string, message: string): RuleBreak => ({ rule, message })
  const seen = new Set<string>()
  const deadlineEvents = new Map<string, string>()
  for (const byName of def.normalizedDeadlines.values())
    for (const d of byName.values()) deadlineEvents.set(d.name, d.event)
  for (const e of image.audit) {
    if (e.actor.role !== 'system' || Object.hasOwn(def.events, e.type)) continue
    const p = e.payload as { deadline?: string; dueAt?: number } | null
    const name = p?.deadline ?? '?'
    if (deadlineEvents.get(name) !== e.type)
      return fail(
        'deadline-declared',
        `the system sent "${e.type}" (entry ${e.seq}), which no declared deadline sends`,
      )
    const key = `${name}@${p?.dueAt}`
    if (seen.has(key))
      return fail('deadline-once', `deadline ${name} due ${p?.dueAt} fired twice (again at entry ${e.seq})`)
    seen.add(key)
    if (typeof p?.dueAt === 'number' && p.dueAt > e.at)
      return fail('deadline-not-early', `deadline ${name} due ${p.dueAt} fired early, at ${e.at}`)
  }
  const armed = image.record.timers?.armed ?? {}
  for (const d of image.deadlines) {
    if (armed[d.name] !== d.dueAt)
      return fail(
        'deadline-bookkeeping',
        `the store arms ${d.name} at ${d.dueAt}, the case's timers say ${armed[d.name]}`,
      )
    if (image.record.done)
      return fail('final-absorbs', `the finished case still has deadline ${d.name} armed`)
    if (ranDue && d.dueAt <= now) return fail('deadline-once', `deadline ${d.name} is due but did not fire`)
  }
  return null
}
