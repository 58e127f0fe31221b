import type { Duration } from '@parley/core'
import type { BusinessCalendar } from '../calendar/business-calendar'
import type { PolicyDoc } from '../docs/policy-doc'
import type { Moderate } from '../shared/moderation'
import type { ContestReason } from './schemas'

/** Options of the review workflow. Every field is optional. */
export interface ReviewPolicy {
  /** Decides a submitted review; @default everything to manual review (`flag`) */
  readonly moderate?: Moderate
  /** How long the review request stays open. @default 'P30D' */
  readonly requestExpiresAfter?: Duration
  /** Whether a contested review is hidden during the investigation. @default hidden only for `harmfulOrIllegal` */
  readonly hideDuringContest?: (reason: ContestReason) => boolean
  /** Default time the buyer has to edit or bring evidence when asked. @default 'P7D' */
  readonly evidenceWindow?: Duration
  /** Remove a contested review when the buyer does not answer a request in time. @default true */
  readonly removeWhenEvidenceMissing?: boolean
  /**
   * Two-sided, double-blind reviews (Sharetribe): the seller reviews the buyer too, and neither
   * sees the other's review until both are in or the request expires. @default false
   */
  readonly doubleBlind?: boolean
  /** Count windows in working time on this calendar. @default none: elapsed time */
  readonly calendar?: BusinessCalendar
}

/** The default of `hideDuringContest`: harmful or illegal content goes offline at once. */
export const hideHarmful = (reason: ContestReason): boolean => reason === 'harmfulOrIllegal'

/** The review policy options, for generated docs. */
export const reviewPolicyDocs: readonly PolicyDoc[] = [
  {
    option: 'moderate',
    default: 'everything to manual review',
    description: 'Synchronous rules verdict on a submitted review.',
  },
  {
    option: 'requestExpiresAfter',
    default: "'P30D'",
    description: 'Life of the review request (and of the double-blind window).',
  },
  {
    option: 'hideDuringContest',
    default: "reason === 'harmfulOrIllegal'",
    description: 'Whether a contested review goes offline during the investigation.',
  },
  {
    option: 'evidenceWindow',
    default: "'P7D'",
    description: 'Default time the buyer has to edit or bring evidence (`within` overrides it).',
  },
  {
    option: 'removeWhenEvidenceMissing',
    default: 'true',
    description: 'Remove a contested review when the buyer misses the evidence deadline.',
  },
  {
    option: 'doubleBlind',
    default: 'false',
    description: 'Two-sided reviews, revealed together when both are in or the window ends.',
  },
  { option: 'calendar', default: 'none', description: 'A `businessCalendar()`: windows count working time.' },
]
