// Sample of docs/workflows/README.md. Type-checked, and run by docs/examples/workflows.test.ts.
// #region imports
import { createEngine } from '@parley/core'
import { businessCalendar, dispute, listingModeration, review, ticket } from '@parley/workflows'

// #endregion imports

// Your moderation rules (see rules.md); here everything goes to an operator.
const moderate = () => ({ decision: 'flag' as const, reasons: ['manualReview'] })

/** Builds the engine of the sample. */
export function workflowsSample() {
  // #region engine
  const calendar = businessCalendar({ timeZone: 'Europe/Paris', holidays: ['2026-12-25'] })
  const engine = createEngine({
    workflows: [ticket({ calendar }), dispute({ calendar }), listingModeration({ moderate }), review()],
  })
  // #endregion engine
  return engine
}
