import type { Duration } from '@parley/core'
import type { BusinessCalendar } from '../calendar/business-calendar'
import type { PolicyDoc } from '../docs/policy-doc'

/** Options of the dispute workflow. Every field is optional. */
export interface DisputePolicy {
  /** How long the seller has to accept, offer or reject before the dispute escalates. @default 'P3D' */
  readonly sellerResponseWindow?: Duration
  /** How long the buyer has to answer an offer or rejection before the dispute closes. @default 'P7D' */
  readonly buyerResponseWindow?: Duration
  /** Default time a party has to submit requested evidence. @default 'P5D' */
  readonly evidenceWindow?: Duration
  /** How long after a resolution each party may appeal (once). @default 'P30D' */
  readonly appealWindow?: Duration
  /** Count windows in working time on this calendar (`P3D` = three business days). @default none: elapsed time */
  readonly calendar?: BusinessCalendar
}

/** A dispute policy with its defaults applied. */
export type ResolvedDisputePolicy = Required<Omit<DisputePolicy, 'calendar'>> &
  Pick<DisputePolicy, 'calendar'>

/** Applies the defaults of {@link DisputePolicy}. */
export function resolveDisputePolicy(policy: DisputePolicy = {}): ResolvedDisputePolicy {
  return {
    sellerResponseWindow: policy.sellerResponseWindow ?? 'P3D',
    buyerResponseWindow: policy.buyerResponseWindow ?? 'P7D',
    evidenceWindow: policy.evidenceWindow ?? 'P5D',
    appealWindow: policy.appealWindow ?? 'P30D',
    ...(policy.calendar ? { calendar: policy.calendar } : {}),
  }
}

/** The dispute policy options, for generated docs. */
export const disputePolicyDocs: readonly PolicyDoc[] = [
  {
    option: 'sellerResponseWindow',
    default: "'P3D'",
    description: 'Time the seller has to answer before escalation.',
  },
  {
    option: 'buyerResponseWindow',
    default: "'P7D'",
    description: 'Time the buyer has to answer an offer or rejection; then the dispute closes.',
  },
  {
    option: 'evidenceWindow',
    default: "'P5D'",
    description: 'Default time to submit requested evidence (`within` overrides it).',
  },
  {
    option: 'appealWindow',
    default: "'P30D'",
    description: 'Time after a resolution in which each party may appeal once.',
  },
  {
    option: 'calendar',
    default: 'none',
    description: 'A `businessCalendar()`: windows count working time (`P3D` = 3 business days).',
  },
]
