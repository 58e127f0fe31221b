import type { Actor, Audience, Message, Role, WorkflowInput } from '@parley/core'
import { toMessage } from '@parley/core'
import { assign, emit, enqueueActions, setup } from 'xstate'
import type { DeadlineEventsOf, EmittedDomainEvent, EventsOf } from '../shared/events'
import { payloadOf } from '../shared/events'
import { messagePosted } from '../shared/messages'
import type { TicketInput, TicketPriority, ticketEventSchemas } from './schemas'

/** Names of the ticket's deadlines (the events the scheduler sends). */
export type TicketDeadline =
  | 'sellerResponseDue'
  | 'operatorResponseDue'
  | 'buyerInactive'
  | 'reopenWindowEnds'

/** Every event a ticket's machine receives: outside events and deadline firings. */
export type TicketEvent = EventsOf<typeof ticketEventSchemas> | DeadlineEventsOf<TicketDeadline>

/** The `on` block a state of the machine built by `setup` accepts, typed by its guards and actions. */
type TicketTransitions<S extends { createMachine: (config: never) => unknown }> = NonNullable<
  NonNullable<NonNullable<Parameters<S['createMachine']>[0]['states']>[string]>['on']
>

/** Whose turn it is to answer. */
export type TicketTurn = 'buyer' | 'seller' | 'operator'

/** An SLA miss recorded on the ticket. */
export interface SlaBreach {
  readonly kind: 'firstResponse' | 'nextResponse'
  readonly party: 'seller' | 'operator'
  readonly dueAt: number
  readonly at: number
}

/** The state a ticket keeps; readable on `engine.get(id).context` (messages filtered by audience). */
export interface TicketContext {
  readonly subject: string
  readonly topic: string
  readonly about: { kind: 'order' | 'listing'; id: string } | null
  readonly priority: TicketPriority
  readonly queue: string | null
  /** Operator id the ticket is assigned to. */
  readonly assignee: string | null
  readonly requester: Actor
  readonly hasBuyer: boolean
  readonly hasSeller: boolean
  readonly messages: Message[]
  /** Whose answer the ticket waits for. */
  readonly turn: TicketTurn
  /** Epoch ms since which a reply has been needed: what an operator inbox sorts by. */
  readonly awaitingSince: number
  /** Who posted last (internal notes excluded). */
  readonly lastSender: (Actor & { at: number }) | null
  /** When someone other than the requester first answered; `null` until then. */
  readonly firstResponseAt: number | null
  readonly escalated: boolean
  readonly breaches: SlaBreach[]
  readonly resolvedAt: number | null
  readonly resolution: { reason: 'resolvedBy' | 'buyerInactive'; by: string; note: string | null } | null
}

const isInternal = (audience: Audience) => audience.length === 1

/** Whose turn it is after `author` writes to `audience`; `null` for an internal note (no change). */
export function nextTurn(context: TicketContext, author: Role, audience: Audience): TicketTurn | null {
  if (isInternal(audience)) return null
  const toBuyer = audience.includes('buyer') && context.hasBuyer
  const toSeller = audience.includes('seller') && context.hasSeller
  if (author === 'buyer') return toSeller && !context.escalated ? 'seller' : 'operator'
  if (author === 'seller') return toBuyer && !context.escalated ? 'buyer' : 'operator'
  // An operator's public answer goes back to the requester; a side channel to that party.
  if (toBuyer && toSeller) return context.requester.role === 'seller' ? 'seller' : 'buyer'
  if (toBuyer) return 'buyer'
  if (toSeller) return 'seller'
  return null
}

/** Builds the ticket machine. */
export function ticketMachine() {
  const turnOf = (context: TicketContext, event: TicketEvent) => {
    const message = toMessage(context.messages.length, event.actor, payloadOf(event, 'post'), event.at)
    return nextTurn(context, event.actor.role, message.audience)
  }
  const machineSetup = setup({
    types: {} as {
      context: TicketContext
      events: TicketEvent
      input: WorkflowInput<TicketInput>
      emitted: EmittedDomainEvent
    },
    guards: {
      turnIs: ({ context }, params: { turn: TicketTurn }) => context.turn === params.turn,
      postTurns: ({ context, event }, params: { turn: TicketTurn }) => turnOf(context, event) === params.turn,
      isRequesterOrOperator: ({ context, event }) =>
        event.actor.role === 'operator' ||
        (event.actor.role === context.requester.role && event.actor.id === context.requester.id),
    },
    actions: {
      post: enqueueActions(({ context, event, enqueue }) => {
        const message = toMessage(context.messages.length, event.actor, payloadOf(event, 'post'), event.at)
        const turn = nextTurn(context, event.actor.role, message.audience)
        const answered =
          context.firstResponseAt === null && turn !== null && event.actor.role !== context.requester.role
        enqueue.assign({
          messages: [...context.messages, message],
          ...(turn === null
            ? {}
            : {
                turn,
                awaitingSince: turn === context.turn ? context.awaitingSince : event.at,
                lastSender: { ...event.actor, at: event.at },
              }),
          ...(answered ? { firstResponseAt: event.at } : {}),
        })
        enqueue.emit(messagePosted('ticket', message))
      }),
      escalate: enqueueActions(({ context, event, enqueue }) => {
        enqueue.assign({
          escalated: true,
          turn: 'operator',
          awaitingSince: context.turn === 'operator' ? context.awaitingSince : event.at,
        })
        enqueue.emit({ type: 'ticket.escalated', payload: { by: event.actor.role } })
      }),
      assign: enqueueActions(({ context, event, enqueue }) => {
        const p = payloadOf(event, 'assign')
        const queue = p.queue ?? context.queue
        enqueue.assign({ assignee: p.operatorId, queue })
        enqueue.emit({ type: 'ticket.assigned', payload: { operatorId: p.operatorId, queue } })
      }),
      setPriority: assign({ priority: ({ event }) => payloadOf(event, 'setPriority').priority }),
      breach: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'sellerResponseDue' && event.type !== 'operatorResponseDue') return
        const breach: SlaBreach = {
          kind: context.firstResponseAt === null ? 'firstResponse' : 'nextResponse',
          party: event.type === 'sellerResponseDue' ? 'seller' : 'operator',
          dueAt: event.payload.dueAt,
          at: event.at,
        }
        enqueue.assign({ breaches: [...context.breaches, breach] })
        enqueue.emit({
          type: 'sla.breached',
          payload: {
            kind: breach.kind,
            party: breach.party,
            priority: context.priority,
            dueAt: breach.dueAt,
          },
        })
      }),
      resolve: enqueueActions(({ event, enqueue }) => {
        const inactive = event.type === 'buyerInactive'
        const note = event.type === 'resolve' ? (event.payload.note ?? null) : null
        const reason = inactive ? 'buyerInactive' : 'resolvedBy'
        enqueue.assign({ resolvedAt: event.at, resolution: { reason, by: event.actor.id, note } })
        enqueue.emit({ type: 'ticket.resolved', payload: { reason } })
      }),
      reopen: enqueueActions(({ context, event, enqueue }) => {
        const turn: TicketTurn =
          context.requester.role === 'buyer' && context.hasSeller && !context.escalated
            ? 'seller'
            : 'operator'
        enqueue.assign({ turn, awaitingSince: event.at, resolvedAt: null, resolution: null })
        enqueue.emit({ type: 'ticket.reopened', payload: { by: event.actor.role } })
      }),
      closed: emit({ type: 'ticket.closed', payload: {} }),
    },
  })
  // What every turn state (awaitingSeller, awaitingBuyer, awaitingOperator) answers. The turn
  // states are top-level so that `view.state` reads `awaitingSeller` and `engine.list({ state })`
  // finds it; they share these transitions instead of inheriting them from a parent state.
  const turnTransitions = {
    post: [
      { guard: { type: 'postTurns', params: { turn: 'seller' } }, target: 'awaitingSeller', actions: 'post' },
      { guard: { type: 'postTurns', params: { turn: 'buyer' } }, target: 'awaitingBuyer', actions: 'post' },
      {
        guard: { type: 'postTurns', params: { turn: 'operator' } },
        target: 'awaitingOperator',
        actions: 'post',
      },
      // An internal note: the turn, and so the state, stays.
      { actions: 'post' },
    ],
    escalate: { target: 'awaitingOperator', actions: 'escalate' },
    assign: { actions: 'assign' },
    setPriority: { actions: 'setPriority' },
    resolve: { target: 'resolved', guard: 'isRequesterOrOperator', actions: 'resolve' },
  } satisfies TicketTransitions<typeof machineSetup>
  return machineSetup.createMachine({
    id: 'ticket',
    initial: 'routing',
    context: ({ input }) => {
      const i = input.input
      const base: TicketContext = {
        subject: i.subject,
        topic: i.topic,
        about: i.about ?? null,
        priority: i.priority,
        queue: i.queue ?? null,
        assignee: null,
        requester: { role: input.actor.role, id: input.actor.id },
        hasBuyer: input.parties.buyer !== undefined,
        hasSeller: input.parties.seller !== undefined,
        messages: [],
        turn: 'operator',
        awaitingSince: input.at,
        lastSender: { role: input.actor.role, id: input.actor.id, at: input.at },
        firstResponseAt: null,
        escalated: false,
        breaches: [],
        resolvedAt: null,
        resolution: null,
      }
      const first = toMessage(0, input.actor, { body: i.body, audience: i.audience }, input.at)
      return {
        ...base,
        messages: [first],
        turn: nextTurn(base, input.actor.role, first.audience) ?? 'operator',
      }
    },
    entry: emit(({ context }) => ({
      type: 'ticket.opened',
      payload: { topic: context.topic, priority: context.priority, requester: context.requester.role },
    })),
    states: {
      // Not a state a case rests in: it sends a new or reopened ticket to whoever's turn it is.
      routing: {
        always: [
          { guard: { type: 'turnIs', params: { turn: 'seller' } }, target: 'awaitingSeller' },
          { guard: { type: 'turnIs', params: { turn: 'buyer' } }, target: 'awaitingBuyer' },
          { target: 'awaitingOperator' },
        ],
      },
      awaitingSeller: { on: { ...turnTransitions, sellerResponseDue: { actions: 'breach' } } },
      awaitingBuyer: {
        on: { ...turnTransitions, buyerInactive: { target: 'resolved', actions: 'resolve' } },
      },
      awaitingOperator: { on: { ...turnTransitions, operatorResponseDue: { actions: 'breach' } } },
      resolved: {
        on: {
          reopen: { target: 'routing', guard: 'isRequesterOrOperator', actions: 'reopen' },
          close: { target: 'closed', actions: 'closed' },
          reopenWindowEnds: { target: 'closed', actions: 'closed' },
        },
      },
      closed: { type: 'final' },
    },
  })
}
