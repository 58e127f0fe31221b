// Samples of docs/deadlines.md: deadline declarations and business calendars. Type-checked and
// run by docs/examples/deadlines.test.ts.
import {
  createEngine,
  defineWorkflow,
  type EmittedEvent,
  manualClock,
  type WorkflowEvent,
} from '@parley/core'
import { businessCalendar, dispute } from '@parley/workflows'
import { assign, setup } from 'xstate'
import { z } from 'zod'

// #region calendar
const calendar = businessCalendar({
  timeZone: 'Europe/Paris',
  workingDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: ['2026-12-25', '2027-01-01'],
})
// "3 business days" for the seller, as marketplaces state it:
const disputes = dispute({ sellerResponseWindow: 'P3D', calendar })
// #endregion calendar

interface Ctx {
  priority: 'normal' | 'high'
  awaitingSince: number | null
  breaches: number
}

// #region declare
const machine = setup({
  types: {} as { context: Ctx; events: WorkflowEvent; emitted: EmittedEvent },
}).createMachine({
  initial: 'open',
  context: { priority: 'normal', awaitingSince: null, breaches: 0 },
  states: {
    open: {
      on: {
        customerWrites: { actions: assign({ awaitingSince: ({ event }) => event.at }) },
        agentWrites: { actions: assign({ awaitingSince: null }) },
        replyDue: { actions: assign({ breaches: ({ context }) => context.breaches + 1 }) },
        close: 'closed',
        autoClose: 'closed',
      },
    },
    closed: { type: 'final' },
  },
})

export const support = defineWorkflow<{ parties: { buyer: string } }, Ctx>({
  name: 'support',
  version: 1,
  machine,
  input: z.object({ parties: z.object({ buyer: z.string() }) }),
  events: {
    customerWrites: { schema: z.object({}), roles: ['buyer'] },
    agentWrites: { schema: z.object({}), roles: ['operator'] },
    close: { schema: z.object({}), roles: ['operator'] },
  },
  deadlines: {
    open: {
      // A fixed period after the state was entered:
      autoClose: 'P30D',
      // An anchor kept in the context, in working time; re-armed when the anchor moves, none when null:
      replyDue: {
        due: ({ context }) =>
          context.awaitingSince === null ? null : calendar.add(context.awaitingSince, 'PT4H'),
      },
    },
  },
})
// #endregion declare

/** Runs the samples; returns what the test checks. */
export async function deadlineStory() {
  const clock = manualClock(new Date('2026-12-24T16:00:00+01:00')) // Thursday 16:00 in Paris
  const engine = createEngine({ workflows: [support, disputes], clock })
  const c = await engine.open('support', { parties: { buyer: 'b1' } }, { actor: { role: 'buyer', id: 'b1' } })
  const v = await engine.send(c.id, { type: 'customerWrites' }, { actor: { role: 'buyer', id: 'b1' } })
  return {
    replyDue: new Date(v.deadlines.replyDue!).toISOString(),
    autoClose: new Date(v.deadlines.autoClose!).toISOString(),
  }
}
