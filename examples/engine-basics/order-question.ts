import {
  defineWorkflow,
  type EmittedEvent,
  type Message,
  messageEvent,
  toMessage,
  type WorkflowEvent,
  type WorkflowInput,
} from '@parley/core'
import { assign, emit, setup } from 'xstate'
import { z } from 'zod'

const input = z.object({
  parties: z.object({ buyer: z.string().min(1), seller: z.string().min(1) }),
  orderId: z.string().min(1),
  subject: z.string().min(1).max(200),
})

interface Context {
  orderId: string
  subject: string
  messages: Message[]
  resolution: string | null
}

type Ev = WorkflowEvent<string, any>

/** A buyer's question about an order: the seller has two days to answer publicly, then the operator steps in. */
export function orderQuestion() {
  const machine = setup({
    types: {} as {
      context: Context
      events: Ev
      emitted: EmittedEvent
      input: WorkflowInput<z.infer<typeof input>>
    },
    actions: {
      post: assign({
        messages: ({ context, event }) => [
          ...context.messages,
          toMessage(context.messages.length, event.actor, event.payload, event.at),
        ],
      }),
    },
    guards: {
      publicSellerAnswer: ({ event }) =>
        event.actor.role === 'seller' && event.payload.audience === undefined,
    },
  }).createMachine({
    id: 'orderQuestion',
    initial: 'awaitingSeller',
    context: ({ input }) => ({
      orderId: input.input.orderId,
      subject: input.input.subject,
      messages: [],
      resolution: null,
    }),
    states: {
      awaitingSeller: {
        on: {
          post: [{ guard: 'publicSellerAnswer', target: 'answered', actions: 'post' }, { actions: 'post' }],
          sellerAnswerDue: {
            target: 'withOperator',
            actions: emit({ type: 'question.escalated', payload: { reason: 'seller did not answer' } }),
          },
        },
      },
      withOperator: {
        on: {
          post: { actions: 'post' },
          resolve: {
            target: 'resolved',
            actions: assign({ resolution: ({ event }) => event.payload.resolution }),
          },
        },
      },
      answered: {
        on: {
          post: { actions: 'post' },
          resolve: {
            target: 'resolved',
            actions: assign({ resolution: ({ event }) => event.payload.resolution }),
          },
        },
      },
      resolved: {
        type: 'final',
        entry: emit(({ context }) => ({ type: 'question.resolved', payload: { orderId: context.orderId } })),
      },
    },
  })
  return defineWorkflow({
    name: 'orderQuestion',
    version: 1,
    machine,
    input,
    openRoles: ['buyer'],
    events: {
      post: messageEvent(),
      resolve: { schema: z.object({ resolution: z.string().min(1).max(2000) }), roles: ['operator'] },
    },
    deadlines: { awaitingSeller: { sellerAnswerDue: 'P2D' } },
  })
}
