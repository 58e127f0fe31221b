import type { Duration } from '@parley/core'
import type { BusinessCalendar } from '../calendar/business-calendar'
import type { PolicyDoc } from '../docs/policy-doc'
import type { TicketPriority } from './schemas'

/** Response targets of one priority. */
export interface ResponseTargets {
  /** Time to the first answer from someone other than the requester. */
  readonly firstResponse: Duration
  /** Time to answer each later message. */
  readonly nextResponse: Duration
}

/** Options of the ticket workflow. Every field is optional. */
export interface TicketPolicy {
  /**
   * SLA targets per priority, for the seller and the operator when it is their turn; a miss emits
   * `sla.breached` and is recorded in `context.breaches`.
   * @default urgent PT1H/PT4H, high PT4H/PT8H, normal PT24H/PT24H, low PT48H/PT48H
   */
  readonly sla?: Partial<Record<TicketPriority, ResponseTargets>>
  /** Resolve the ticket when the buyer has not answered for this long. @default 'P7D' */
  readonly autoResolveAfter?: Duration
  /** How long the requester may reopen a resolved ticket before it closes. @default 'P7D' */
  readonly reopenWindow?: Duration
  /** Count SLA targets in working time on this calendar. @default none: elapsed time */
  readonly calendar?: BusinessCalendar
}

/** Default SLA targets. */
export const DEFAULT_SLA: Readonly<Record<TicketPriority, ResponseTargets>> = {
  urgent: { firstResponse: 'PT1H', nextResponse: 'PT4H' },
  high: { firstResponse: 'PT4H', nextResponse: 'PT8H' },
  normal: { firstResponse: 'PT24H', nextResponse: 'PT24H' },
  low: { firstResponse: 'PT48H', nextResponse: 'PT48H' },
}

/** A ticket policy with its defaults applied. */
export interface ResolvedTicketPolicy {
  readonly sla: Readonly<Record<TicketPriority, ResponseTargets>>
  readonly autoResolveAfter: Duration
  readonly reopenWindow: Duration
  readonly calendar?: BusinessCalendar
}

/** Applies the defaults of {@link TicketPolicy}. */
export function resolveTicketPolicy(policy: TicketPolicy = {}): ResolvedTicketPolicy {
  return {
    sla: { ...DEFAULT_SLA, ...policy.sla },
    autoResolveAfter: policy.autoResolveAfter ?? 'P7D',
    reopenWindow: policy.reopenWindow ?? 'P7D',
    ...(policy.calendar ? { calendar: policy.calendar } : {}),
  }
}

/** The ticket policy options, for generated docs. */
export const ticketPolicyDocs: readonly PolicyDoc[] = [
  {
    option: 'sla',
    default: 'urgent PT1H/PT4H, high PT4H/PT8H, normal PT24H/PT24H, low PT48H/PT48H',
    description: 'First- and next-response targets per priority; a miss emits `sla.breached`.',
  },
  {
    option: 'autoResolveAfter',
    default: "'P7D'",
    description: 'Resolve when the buyer has not answered for this long.',
  },
  {
    option: 'reopenWindow',
    default: "'P7D'",
    description: 'Time the requester may reopen a resolved ticket; then closed.',
  },
  {
    option: 'calendar',
    default: 'none',
    description: 'A `businessCalendar()`: SLA targets count working time.',
  },
]
