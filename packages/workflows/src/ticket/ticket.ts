import {
  type Actor,
  type CaseRecord,
  type DeadlineArgs,
  defineWorkflow,
  messageEvent,
  type WorkflowDefinition,
} from '@parley/core'
import { checkDurations, dueAfter } from '../shared/timing'
import { type TicketContext, ticketMachine } from './machine'
import { resolveTicketPolicy, type TicketPolicy } from './policy'
import { ticketEventSchemas as s, type TicketInput, ticketEmits, ticketInput } from './schemas'

type Args = DeadlineArgs<TicketContext>

/** Refuses a buyer or seller who did not open the ticket (the machine's guard says the same). */
function requesterOnly(action: string) {
  return (_payload: unknown, actor: Actor, record: CaseRecord): string | null => {
    if (actor.role === 'operator' || actor.role === 'system') return null
    const requester = (record.snapshot as { context?: Partial<TicketContext> } | null)?.context?.requester
    return requester && requester.role === actor.role && requester.id === actor.id
      ? null
      : `Only the requester or an operator may ${action} this ticket.`
  }
}

/** Stable name of the ticket workflow. */
export const TICKET = 'ticket'

/**
 * The support ticket lifecycle: a three-party conversation whose state follows whose turn it is,
 * with SLA targets, escalation, auto-resolution and a reopen window.
 * @example
 * const engine = createEngine({ workflows: [ticket({ autoResolveAfter: 'P5D' })] })
 * await engine.open('ticket', { parties: { buyer: 'b1', seller: 's1' }, subject: 'Where is my parcel?',
 *   topic: 'delivery', body: 'Ordered 10 days ago' }, { actor: buyer })
 */
export function ticket(policy: TicketPolicy = {}): WorkflowDefinition<TicketInput, TicketContext> {
  const p = resolveTicketPolicy(policy)
  checkDurations(TICKET, { autoResolveAfter: p.autoResolveAfter, reopenWindow: p.reopenWindow })
  for (const [priority, targets] of Object.entries(p.sla))
    checkDurations(TICKET, {
      [`sla.${priority}.firstResponse`]: targets.firstResponse,
      [`sla.${priority}.nextResponse`]: targets.nextResponse,
    })
  const slaDue = ({ context }: Args) => {
    const targets = p.sla[context.priority]
    const target = context.firstResponseAt === null ? targets.firstResponse : targets.nextResponse
    return dueAfter(context.awaitingSince, target, p.calendar)
  }
  return defineWorkflow<TicketInput, TicketContext>({
    name: TICKET,
    version: 1,
    description:
      'A support conversation between buyer, seller and operator, optionally about an order or a listing. The state follows whose turn it is; SLA targets per priority raise `sla.breached`; a ticket left unanswered by the buyer resolves itself, and closes after the reopen window.',
    machine: ticketMachine(),
    input: ticketInput,
    events: {
      post: messageEvent(
        'Posts a message; the turn moves to the party addressed (internal notes do not move it).',
      ),
      escalate: {
        schema: s.escalate,
        roles: ['buyer', 'seller', 'operator'],
        description: 'Asks the operator to step in → awaitingOperator.',
      },
      assign: { schema: s.assign, roles: ['operator'], description: 'Assigns an operator (and a queue).' },
      setPriority: {
        schema: s.setPriority,
        roles: ['operator'],
        description: 'Changes the priority; SLA targets follow.',
      },
      resolve: {
        schema: s.resolve,
        roles: ['buyer', 'seller', 'operator'],
        authorize: requesterOnly('resolve'),
        description: 'The requester or an operator marks it solved → resolved.',
      },
      reopen: {
        schema: s.reopen,
        roles: ['buyer', 'seller', 'operator'],
        authorize: requesterOnly('reopen'),
        description: 'The requester (or an operator) reopens inside the reopen window.',
      },
      close: { schema: s.close, roles: ['operator'], description: 'Closes a resolved ticket now → closed.' },
    },
    deadlines: {
      awaitingSeller: {
        sellerResponseDue: { due: slaDue, description: 'Seller missed the SLA target: `sla.breached`.' },
      },
      awaitingOperator: {
        operatorResponseDue: { due: slaDue, description: 'Operator missed the SLA target: `sla.breached`.' },
      },
      awaitingBuyer: {
        buyerInactive: {
          due: ({ context }: Args) => dueAfter(context.awaitingSince, p.autoResolveAfter),
          description: 'Buyer silent for `autoResolveAfter` → resolved.',
        },
      },
      resolved: {
        reopenWindowEnds: {
          due: ({ enteredAt }: Args) => dueAfter(enteredAt, p.reopenWindow),
          description: 'Reopen window over → closed.',
        },
      },
    },
    emits: ticketEmits,
  })
}
