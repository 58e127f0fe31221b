import type { Duration } from '@parley/core'
import type { BusinessCalendar } from '../calendar/business-calendar'
import type { PolicyDoc } from '../docs/policy-doc'
import type { Moderate } from '../shared/moderation'

/** Options of the listing moderation workflow. Every field is optional. */
export interface ListingModerationPolicy {
  /** Decides a submitted listing; @default everything to manual review (`flag`) */
  readonly moderate?: Moderate
  /** Time the seller has to make requested changes before the listing expires. @default 'P14D' */
  readonly changesWindow?: Duration
  /** Distinct reporters that send a published listing back to review. @default 3 */
  readonly reportThreshold?: number
  /** Fields whose edit on a published listing goes back through moderation; @default all fields */
  readonly moderatedFields?: readonly string[]
  /** Count `changesWindow` in working time on this calendar. @default none: elapsed time */
  readonly calendar?: BusinessCalendar
}

/** The listing moderation policy options, for generated docs. */
export const listingPolicyDocs: readonly PolicyDoc[] = [
  {
    option: 'moderate',
    default: 'everything to manual review',
    description:
      'Synchronous rules verdict on submit, resubmit and moderated edits: `approve` / `reject` / `flag`.',
  },
  {
    option: 'changesWindow',
    default: "'P14D'",
    description: 'Time the seller has to make requested changes; then `expired`.',
  },
  {
    option: 'reportThreshold',
    default: '3',
    description: 'Distinct reporters that send a published listing back to review.',
  },
  {
    option: 'moderatedFields',
    default: 'all fields',
    description: 'Fields whose edit on a published listing is moderated again.',
  },
  {
    option: 'calendar',
    default: 'none',
    description: 'A `businessCalendar()`: `changesWindow` counts working time.',
  },
]
