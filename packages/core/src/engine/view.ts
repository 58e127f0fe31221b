import { ParleyError } from '../errors/parley-error'
import type { Actor, Parties } from '../model/actor'
import type { CaseRecord } from '../model/case'
import { type Audience, canSee } from '../model/message'
import type { WorkflowDefinition } from '../workflow/define-workflow'

/** A case as one viewer may see it. */
export interface CaseView<TContext = Record<string, unknown>> {
  readonly id: string
  readonly workflow: string
  readonly workflowVersion: number
  readonly state: string
  readonly done: boolean
  readonly version: number
  readonly parties: Parties
  /** The machine's context, redacted for the viewer (messages outside their audience removed). */
  readonly context: TContext
  /** Armed deadlines: name → epoch ms due. */
  readonly deadlines: Readonly<Record<string, number>>
  readonly createdAt: number
  readonly updatedAt: number
}

/** The default redaction: drops messages (and any `{ audience }` item of `messages`) the viewer may not see. */
export function defaultView(context: unknown, viewer: Actor): unknown {
  if (!context || typeof context !== 'object' || Array.isArray(context)) return context
  const ctx = context as Record<string, unknown>
  if (!Array.isArray(ctx.messages)) return ctx
  return {
    ...ctx,
    messages: ctx.messages.filter((m) =>
      canSee(viewer.role, (m as { audience?: Audience } | null)?.audience),
    ),
  }
}

/** Builds the view of `record` for `viewer`. */
export function viewOf(def: WorkflowDefinition | undefined, record: CaseRecord, viewer: Actor): CaseView {
  const context = (record.snapshot as { context?: unknown } | null)?.context ?? {}
  // Someone who may act on a case without being its party (a buyer reporting a listing) learns
  // its state and version, not its content.
  const redacted = !isParty(record, viewer)
    ? {}
    : def?.view
      ? def.view(defaultView(context, viewer), viewer)
      : defaultView(context, viewer)
  return {
    id: record.id,
    workflow: record.workflow,
    workflowVersion: record.workflowVersion,
    state: record.state,
    done: record.done,
    version: record.version,
    parties: record.parties,
    context: redacted as Record<string, unknown>,
    deadlines: record.timers?.armed ?? {},
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}

/** Refuses an actor who is not a party of the case. @throws ParleyError `FORBIDDEN` */
export function assertParty(record: CaseRecord, actor: Actor): void {
  if (!isParty(record, actor)) {
    throw new ParleyError('FORBIDDEN', `${actor.role} ${actor.id} is not a party of case ${record.id}.`, {
      details: { caseId: record.id },
    })
  }
}

/** True when `actor` is a party of the case (operators and the system always are). */
export function isParty(record: { parties: Parties }, actor: Actor): boolean {
  if (actor.role === 'operator' || actor.role === 'system') return true
  return record.parties[actor.role] === actor.id
}
