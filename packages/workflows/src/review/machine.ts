import type { WorkflowInput } from '@parley/core'
import { assign, emit, enqueueActions, setup } from 'xstate'
import type { DeadlineEventsOf, EmittedDomainEvent, EventsOf } from '../shared/events'
import { payloadOf } from '../shared/events'
import { type ModerationDecision, manualReview, runModeration } from '../shared/moderation'
import { dueAfter } from '../shared/timing'
import { hideHarmful, type ReviewPolicy } from './policy'
import type { ContestReason, ReviewInput, reviewEventSchemas } from './schemas'

/** Names of the review's deadlines (the events the scheduler sends). */
export type ReviewDeadline = 'requestExpires' | 'evidenceDue'

/** Every event a review's machine receives: outside events and deadline firings. */
export type ReviewEvent = EventsOf<typeof reviewEventSchemas> | DeadlineEventsOf<ReviewDeadline>

/** A submitted review. */
export interface ReviewBody {
  readonly rating: number
  readonly title: string | null
  readonly body: string
  readonly at: number
  readonly editedAt: number | null
}

/** The state a review keeps; readable on `engine.get(id).context`. */
export interface ReviewContext {
  readonly orderId: string
  readonly sellerId: string
  readonly buyerId: string
  readonly listingId: string | null
  readonly verifiedPurchase: boolean
  readonly doubleBlind: boolean
  /** The buyer's review of the seller. */
  readonly review: ReviewBody | null
  /** Double-blind mode: the seller's review of the buyer. */
  readonly counterpart: ReviewBody | null
  /** Double-blind mode: true once both reviews are visible to both parties. */
  readonly revealed: boolean
  readonly moderation: ModerationDecision | null
  /** True while the review is visible to the public. */
  readonly visible: boolean
  /** The seller's public reply (one, editable). */
  readonly reply: { body: string; at: number; editedAt: number | null } | null
  readonly contest: { reason: ContestReason; note: string; at: number; hidden: boolean } | null
  /** Reasons already contested and upheld: they cannot be contested again. */
  readonly upheldReasons: ContestReason[]
  readonly evidenceRequest: { kind: 'edit' | 'evidence'; note: string; dueAt: number } | null
  readonly evidence: { note: string; attachments: string[]; at: number }[]
  readonly removal: { reasonCode: string; message: string; by: string; at: number } | null
  readonly publishedAt: number | null
}

/** Builds the review machine for a policy. */
export function reviewMachine(policy: ReviewPolicy) {
  const moderate = policy.moderate ?? manualReview
  const hide = policy.hideDuringContest ?? hideHarmful
  const subject = (c: ReviewContext) => ({ sellerId: c.sellerId, listingId: c.listingId })
  return setup({
    types: {} as {
      context: ReviewContext
      events: ReviewEvent
      input: WorkflowInput<ReviewInput>
      emitted: EmittedDomainEvent
    },
    guards: {
      notSubmitted: ({ context }) => context.review === null,
      waitsForCounterpart: ({ context }) =>
        context.doubleBlind && context.counterpart === null && context.review === null,
      bothIn: ({ context }) => context.doubleBlind && context.review !== null && context.counterpart !== null,
      counterpartOpen: ({ context }) => context.doubleBlind && context.counterpart === null,
      hasReview: ({ context }) => context.review !== null,
      rulesSay: ({ context }, params: { decision: ModerationDecision['decision'] }) =>
        context.moderation?.decision === params.decision,
      canContest: ({ context, event }) => !context.upheldReasons.includes(payloadOf(event, 'contest').reason),
      removeOnMissingEvidence: ({ context }) =>
        context.contest !== null && (policy.removeWhenEvidenceMissing ?? true),
    },
    actions: {
      storeReview: assign(({ event }) => {
        const p = payloadOf(event, 'submit')
        return {
          review: { rating: p.rating, title: p.title ?? null, body: p.body, at: event.at, editedAt: null },
        }
      }),
      storeCounterpart: assign(({ event }) => {
        const p = payloadOf(event, 'submitCounterpart')
        return { counterpart: { rating: p.rating, title: null, body: p.body, at: event.at, editedAt: null } }
      }),
      reveal: enqueueActions(({ context, enqueue }) => {
        enqueue.assign({ revealed: true })
        if (context.counterpart) {
          enqueue.emit({
            type: 'review.counterpartPublished',
            payload: {
              buyerId: context.buyerId,
              sellerId: context.sellerId,
              rating: context.counterpart.rating,
            },
          })
        }
      }),
      runRules: assign(({ context }) => ({
        moderation: runModeration(moderate, {
          kind: 'review',
          fields: {
            rating: context.review?.rating,
            title: context.review?.title,
            body: context.review?.body,
          },
        }),
      })),
      published: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign({ visible: true, publishedAt: event.at })
        enqueue.emit({
          type: 'review.published',
          payload: {
            ...subject(context),
            rating: context.review!.rating,
            verifiedPurchase: context.verifiedPurchase,
          },
        })
      }),
      rejected: emit(({ context, event }) => ({
        type: 'review.rejected',
        payload: {
          ...subject(context),
          reasonCode: event.type === 'reject' ? event.payload.reasonCode : 'rules',
        },
      })),
      reply: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'reply')
        const edited = context.reply !== null
        enqueue.assign({
          reply: { body: p.body, at: context.reply?.at ?? event.at, editedAt: edited ? event.at : null },
        })
        enqueue.emit({ type: 'review.replied', payload: { ...subject(context), edited } })
      }),
      contest: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'contest')
        const hidden = hide(p.reason)
        enqueue.assign({
          contest: { reason: p.reason, note: p.note, at: event.at, hidden },
          visible: !hidden,
        })
        enqueue.emit({
          type: 'review.contested',
          payload: { ...subject(context), reason: p.reason, rating: context.review!.rating, hidden },
        })
      }),
      requestEvidence: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'requestEvidence')
        const dueAt = dueAfter(event.at, p.within ?? policy.evidenceWindow ?? 'P7D', policy.calendar)
        enqueue.assign({ evidenceRequest: { kind: p.kind, note: p.note, dueAt } })
        enqueue.emit({
          type: 'review.evidenceRequested',
          payload: { ...subject(context), kind: p.kind, dueAt },
        })
      }),
      edit: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'edit')
        const before = context.review!
        const review: ReviewBody = {
          rating: p.rating ?? before.rating,
          title: p.title ?? before.title,
          body: p.body ?? before.body,
          at: before.at,
          editedAt: event.at,
        }
        enqueue.assign({ review, evidenceRequest: null })
        enqueue.emit({ type: 'review.edited', payload: { ...subject(context), rating: review.rating } })
      }),
      submitEvidence: assign(({ context, event }) => {
        const p = payloadOf(event, 'submitEvidence')
        return {
          evidence: [...context.evidence, { note: p.note, attachments: p.attachments ?? [], at: event.at }],
          evidenceRequest: null,
        }
      }),
      clearRequest: assign({ evidenceRequest: null }),
      uphold: enqueueActions(({ context, enqueue }) => {
        const contest = context.contest!
        enqueue.assign({
          upheldReasons: [...context.upheldReasons, contest.reason],
          contest: null,
          visible: true,
          evidenceRequest: null,
        })
        enqueue.emit({
          type: 'review.upheld',
          payload: { ...subject(context), reason: contest.reason, restored: contest.hidden },
        })
      }),
      removed: enqueueActions(({ context, event, enqueue }) => {
        const p =
          event.type === 'remove'
            ? event.payload
            : { reasonCode: 'evidenceMissing', message: 'The reviewer did not answer in time.' }
        enqueue.assign({
          visible: false,
          removal: { reasonCode: p.reasonCode, message: p.message, by: event.actor.id, at: event.at },
        })
        enqueue.emit({
          type: 'review.removed',
          payload: { ...subject(context), reasonCode: p.reasonCode, contested: context.contest !== null },
        })
      }),
      expired: emit(({ context }) => ({ type: 'review.expired', payload: subject(context) })),
    },
  }).createMachine({
    id: 'review',
    initial: 'requested',
    context: ({ input }) => ({
      orderId: input.input.orderId,
      sellerId: input.parties.seller ?? input.input.parties.seller,
      buyerId: input.parties.buyer ?? input.input.parties.buyer,
      listingId: input.input.listingId ?? null,
      verifiedPurchase: input.input.verifiedPurchase,
      doubleBlind: policy.doubleBlind ?? false,
      review: null,
      counterpart: null,
      revealed: !(policy.doubleBlind ?? false),
      moderation: null,
      visible: false,
      reply: null,
      contest: null,
      upheldReasons: [],
      evidenceRequest: null,
      evidence: [],
      removal: null,
      publishedAt: null,
    }),
    entry: emit(({ context }) => ({
      type: 'review.requested',
      payload: { sellerId: context.sellerId, listingId: context.listingId, orderId: context.orderId },
    })),
    states: {
      requested: {
        on: {
          submit: [
            { guard: 'waitsForCounterpart', actions: 'storeReview' },
            { guard: 'notSubmitted', target: 'submitted', actions: ['storeReview', 'reveal'] },
          ],
          submitCounterpart: { guard: 'counterpartOpen', actions: 'storeCounterpart' },
          requestExpires: [
            { guard: 'hasReview', target: 'submitted', actions: 'reveal' },
            { target: 'expired', actions: ['reveal', 'expired'] },
          ],
        },
        always: { guard: 'bothIn', target: 'submitted', actions: 'reveal' },
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
            actions: 'rejected',
          },
          { target: 'pendingModeration' },
        ],
      },
      pendingModeration: {
        on: {
          approve: { target: 'published', actions: 'published' },
          reject: { target: 'rejected', actions: 'rejected' },
        },
      },
      published: {
        on: {
          reply: { actions: 'reply' },
          contest: { target: 'contested', guard: 'canContest', actions: 'contest' },
          remove: { target: 'removed', actions: 'removed' },
        },
      },
      contested: {
        on: {
          reply: { actions: 'reply' },
          requestEvidence: { actions: 'requestEvidence' },
          edit: { actions: 'edit' },
          submitEvidence: { actions: 'submitEvidence' },
          evidenceDue: [
            { guard: 'removeOnMissingEvidence', target: 'removed', actions: 'removed' },
            { actions: 'clearRequest' },
          ],
          uphold: { target: 'published', actions: 'uphold' },
          remove: { target: 'removed', actions: 'removed' },
        },
      },
      rejected: { type: 'final' },
      removed: { type: 'final' },
      expired: { type: 'final' },
    },
  })
}
