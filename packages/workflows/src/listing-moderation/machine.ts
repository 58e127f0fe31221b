import type { WorkflowInput } from '@parley/core'
import { assign, emit, enqueueActions, setup } from 'xstate'
import type { DeadlineEventsOf, EmittedDomainEvent, EventsOf } from '../shared/events'
import { payloadOf } from '../shared/events'
import { type ModerationDecision, manualReview, runModeration } from '../shared/moderation'
import type { ListingModerationPolicy } from './policy'
import type { ListingInput, listingEventSchemas } from './schemas'

/** Names of the listing's deadlines (the events the scheduler sends). */
export type ListingModerationDeadline = 'changesDue'

/** Every event a listing's machine receives: outside events and deadline firings. */
export type ListingModerationEvent =
  | EventsOf<typeof listingEventSchemas>
  | DeadlineEventsOf<ListingModerationDeadline>

/** An operator's verdict with its reason code and message. */
export interface ListingVerdict {
  readonly reasonCode: string
  readonly message: string
  readonly by: string
  readonly at: number
}

/** The state a listing under moderation keeps. */
export interface ListingModerationContext {
  readonly listingId: string
  readonly fields: Record<string, unknown>
  /** The last rules verdict. */
  readonly moderation: ModerationDecision | null
  /** The last change request, with per-field comments. */
  readonly changesRequested: (ListingVerdict & { fields: Record<string, string> }) | null
  readonly rejection: ListingVerdict | null
  readonly suspension: ListingVerdict | null
  /** Every report received. */
  readonly reports: { reporterId: string; reason: string; note: string | null; at: number }[]
  /** Distinct reporters since the listing was last published. */
  readonly activeReporters: string[]
  readonly submissions: number
  readonly publishedAt: number | null
}

const changed = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))

/** Builds the listing moderation machine for a policy. */
export function listingModerationMachine(policy: ListingModerationPolicy) {
  const moderate = policy.moderate ?? manualReview
  const threshold = policy.reportThreshold ?? 3
  const verdict = (
    event: ListingModerationEvent,
    p: { reasonCode: string; message: string },
  ): ListingVerdict => ({
    reasonCode: p.reasonCode,
    message: p.message,
    by: event.actor.id,
    at: event.at,
  })
  return setup({
    types: {} as {
      context: ListingModerationContext
      events: ListingModerationEvent
      input: WorkflowInput<ListingInput>
      emitted: EmittedDomainEvent
    },
    guards: {
      rulesSay: ({ context }, params: { decision: ModerationDecision['decision'] }) =>
        context.moderation?.decision === params.decision,
      editTouchesModerated: ({ context, event }) => {
        const keys = changed(context.fields, payloadOf(event, 'edit').fields)
        const watched = policy.moderatedFields
        return keys.some((k) => watched === undefined || watched.includes(k))
      },
      reachesThreshold: ({ context, event }) => {
        const { reporterId } = payloadOf(event, 'report')
        return new Set([...context.activeReporters, reporterId]).size >= threshold
      },
    },
    actions: {
      edit: assign({
        fields: ({ context, event }) => ({ ...context.fields, ...payloadOf(event, 'edit').fields }),
      }),
      resubmitFields: assign({
        fields: ({ context, event }) => ({
          ...context.fields,
          ...(payloadOf(event, 'resubmit').fields ?? {}),
        }),
      }),
      runRules: enqueueActions(({ context, enqueue }) => {
        const decision = runModeration(moderate, { kind: 'listing', fields: context.fields })
        enqueue.assign({ moderation: decision, submissions: context.submissions + 1 })
        enqueue.emit({
          type: 'listing.submitted',
          payload: { listingId: context.listingId, decision: decision.decision },
        })
      }),
      published: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign({ publishedAt: event.at, activeReporters: [], suspension: null })
        enqueue.emit({
          type: 'listing.published',
          payload: {
            listingId: context.listingId,
            by: event.actor.role === 'operator' ? 'operator' : 'rules',
          },
        })
      }),
      rejectedByRules: enqueueActions(({ context, event, enqueue }) => {
        const message = context.moderation?.reasons.join(', ') || 'rejected by the moderation rules'
        enqueue.assign({ rejection: { reasonCode: 'rules', message, by: 'rules', at: event.at } })
        enqueue.emit({
          type: 'listing.rejected',
          payload: { listingId: context.listingId, reasonCode: 'rules', message },
        })
      }),
      rejected: enqueueActions(({ context, event, enqueue }) => {
        const v = verdict(event, payloadOf(event, 'reject'))
        enqueue.assign({ rejection: v })
        enqueue.emit({
          type: 'listing.rejected',
          payload: { listingId: context.listingId, reasonCode: v.reasonCode, message: v.message },
        })
      }),
      sentToReview: emit(({ context, event }) => ({
        type: 'listing.sentToReview',
        payload: { listingId: context.listingId, reason: event.type === 'report' ? 'reports' : 'rules' },
      })),
      changesRequested: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'requestChanges')
        enqueue.assign({ changesRequested: { ...verdict(event, p), fields: p.fields } })
        enqueue.emit({
          type: 'listing.changesRequested',
          payload: {
            listingId: context.listingId,
            reasonCode: p.reasonCode,
            message: p.message,
            fields: p.fields,
          },
        })
      }),
      report: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'report')
        const activeReporters = [...new Set([...context.activeReporters, p.reporterId])]
        enqueue.assign({
          reports: [
            ...context.reports,
            { reporterId: p.reporterId, reason: p.reason, note: p.note ?? null, at: event.at },
          ],
          activeReporters,
        })
        enqueue.emit({
          type: 'listing.reported',
          payload: { listingId: context.listingId, reporters: activeReporters.length },
        })
      }),
      suspended: enqueueActions(({ context, event, enqueue }) => {
        const v = verdict(event, payloadOf(event, 'suspend'))
        enqueue.assign({ suspension: v })
        enqueue.emit({
          type: 'listing.suspended',
          payload: { listingId: context.listingId, reasonCode: v.reasonCode, message: v.message },
        })
      }),
      reinstated: enqueueActions(({ context, enqueue }) => {
        enqueue.assign({ suspension: null, activeReporters: [] })
        enqueue.emit({ type: 'listing.reinstated', payload: { listingId: context.listingId } })
      }),
      expired: emit(({ context }) => ({
        type: 'listing.expired',
        payload: { listingId: context.listingId },
      })),
    },
  }).createMachine({
    id: 'listingModeration',
    initial: 'draft',
    context: ({ input }) => ({
      listingId: input.input.listingId,
      fields: { ...input.input.fields },
      moderation: null,
      changesRequested: null,
      rejection: null,
      suspension: null,
      reports: [],
      activeReporters: [],
      submissions: 0,
      publishedAt: null,
    }),
    states: {
      draft: {
        on: {
          edit: { actions: 'edit' },
          submit: 'submitted',
        },
      },
      submitted: {
        entry: 'runRules',
        always: [
          {
            guard: { type: 'rulesSay', params: { decision: 'approve' } },
            target: 'published',
            actions: 'published',
          },
          {
            guard: { type: 'rulesSay', params: { decision: 'reject' } },
            target: 'rejected',
            actions: 'rejectedByRules',
          },
          { target: 'pendingReview', actions: 'sentToReview' },
        ],
      },
      pendingReview: {
        on: {
          approve: { target: 'published', actions: 'published' },
          requestChanges: { target: 'changesRequested', actions: 'changesRequested' },
          reject: { target: 'rejected', actions: 'rejected' },
        },
      },
      changesRequested: {
        on: {
          edit: { actions: 'edit' },
          resubmit: { target: 'submitted', actions: 'resubmitFields' },
          changesDue: { target: 'expired', actions: 'expired' },
        },
      },
      published: {
        on: {
          edit: [
            { guard: 'editTouchesModerated', target: 'submitted', actions: 'edit' },
            { actions: 'edit' },
          ],
          report: [
            { guard: 'reachesThreshold', target: 'pendingReview', actions: ['report', 'sentToReview'] },
            { actions: 'report' },
          ],
          suspend: { target: 'suspended', actions: 'suspended' },
        },
      },
      suspended: {
        on: {
          reinstate: { target: 'published', actions: 'reinstated' },
          reject: { target: 'rejected', actions: 'rejected' },
        },
      },
      rejected: { type: 'final' },
      expired: { type: 'final' },
    },
  })
}
