import {
  type Actor,
  defineWorkflow,
  type EmittedEvent,
  type Message,
  messagePayloadSchema,
  resolveAudience,
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
          {
            id: `m${context.messages.length + 1}`,
            author: event.actor as Actor,
            audience: resolveAudience(event.actor as Actor, event.payload.audience) ?? ['operator'],
            body: event.payload.body as string,
            at: event.at,
          },
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
      post: {
        schema: messagePayloadSchema,
        roles: ['buyer', 'seller', 'operator'],
        audience: (p, actor) => resolveAudience(actor, p.audience) ?? undefined,
        authorize: (p, actor) =>
          resolveAudience(actor, p.audience) ? null : `a ${actor.role} cannot write to that channel`,
      },
      resolve: { schema: z.object({ resolution: z.string().min(1).max(2000) }), roles: ['operator'] },
    },
    deadlines: { awaitingSeller: { sellerAnswerDue: 'P2D' } },
  })
}
