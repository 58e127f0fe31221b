import type { CustomerProfile, Engine, ManualClock, Segmenter } from '@parley/core'
import { ParleyError } from '@parley/core'
import type { ReviewAggregatesView } from '@parley/workflows'
import { Hono } from 'hono'
import { ACTOR_HEADER, actorFrom } from './actor'
import { toHttpError } from './http-errors'

/** What the HTTP layer needs. */
export interface AppOptions {
  engine: Engine
  /** Customer groups, for `/segments` routes. */
  segmenter?: Segmenter
  /** Only in demos and tests: exposes `/_dev/clock` and `/_dev/deadlines` to move time. */
  devClock?: ManualClock
  /** Review aggregates, for `/sellers/:id/rating` and `/listings/:id/rating`. */
  aggregates?: ReviewAggregatesView
}

const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v))

/**
 * The marketplace's customer-service API. Every route reads the caller from the
 * `X-Parley-Actor` header (a stand-in for real auth) and lets the engine authorise.
 */
export function createApp(options: AppOptions): Hono {
  const { engine } = options
  const app = new Hono()

  app.onError((error, c) => {
    const { status, body } = toHttpError(error)
    return c.json(body, status as 400)
  })

  app.get('/health', (c) => c.json({ ok: true }))

  // Open a case: a buyer opens a dispute or a ticket, a seller submits a listing, ...
  app.post('/cases/:workflow', async (c) => {
    const actor = actorFrom(c.req.header(ACTOR_HEADER))
    const input = await c.req.json()
    const key = c.req.header('idempotency-key')
    const view = await engine.open(c.req.param('workflow'), input, {
      actor,
      ...(key ? { idempotencyKey: key } : {}),
    })
    return c.json(view, 201)
  })

  // Cases the caller may see: a party sees its own, an operator all, with filters and a cursor.
  app.get('/cases', async (c) => {
    const viewer = actorFrom(c.req.header(ACTOR_HEADER))
    const q = c.req.query()
    const dueBefore = num(q.dueBefore)
    const limit = num(q.limit)
    const page = await engine.list({
      viewer,
      ...(q.workflow ? { workflow: q.workflow } : {}),
      ...(q.state ? { state: q.state } : {}),
      ...(q.party ? { party: q.party } : {}),
      ...(dueBefore !== undefined ? { dueBefore } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(q.open === 'true' ? { includeDone: false } : {}),
    })
    return c.json(page)
  })

  app.get('/cases/:id', async (c) => {
    const viewer = actorFrom(c.req.header(ACTOR_HEADER))
    return c.json(await engine.get(c.req.param('id'), { viewer }))
  })

  // Send an event. `expectedVersion` in the body turns lost races into 412s instead of retries.
  app.post('/cases/:id/events', async (c) => {
    const actor = actorFrom(c.req.header(ACTOR_HEADER))
    const body = (await c.req.json()) as { type?: unknown; payload?: unknown; expectedVersion?: unknown }
    if (!body || typeof body !== 'object' || typeof body.type !== 'string') {
      throw new ParleyError('VALIDATION', 'The body is { type, payload?, expectedVersion? }.', {
        issues: [{ code: 'invalid_type', path: ['body', 'type'], message: 'expected a string' }],
      })
    }
    const key = c.req.header('idempotency-key')
    const view = await engine.send(
      c.req.param('id'),
      { type: body.type, payload: body.payload ?? {} },
      {
        actor,
        ...(typeof body.expectedVersion === 'number' ? { expectedVersion: body.expectedVersion } : {}),
        ...(key ? { idempotencyKey: key } : {}),
      },
    )
    return c.json(view)
  })

  app.get('/cases/:id/history', async (c) => {
    const viewer = actorFrom(c.req.header(ACTOR_HEADER))
    return c.json(await engine.history(c.req.param('id'), { viewer }))
  })

  // The buttons a UI draws for this caller.
  app.get('/cases/:id/actions', async (c) => {
    const actor = actorFrom(c.req.header(ACTOR_HEADER))
    return c.json({ actions: await engine.allowedEvents(c.req.param('id'), { actor }) })
  })

  // Operators: the customers' groups, and why a customer is (not) in one.
  async function segmentRequest(header: string | undefined, body: () => Promise<unknown>) {
    const actor = actorFrom(header)
    if (actor.role !== 'operator') throw new ParleyError('FORBIDDEN', 'Only operators segment customers.')
    if (!options.segmenter) throw new ParleyError('NOT_FOUND', 'No customer groups are configured.')
    const { customer } = (await body()) as { customer: CustomerProfile }
    return { segmenter: options.segmenter, customer }
  }

  app.post('/segments/groups-of', async (c) => {
    const { segmenter, customer } = await segmentRequest(c.req.header(ACTOR_HEADER), () => c.req.json())
    return c.json({ groups: segmenter.groupsOf(customer) })
  })

  app.post('/segments/:group/explain', async (c) => {
    const { segmenter, customer } = await segmentRequest(c.req.header(ACTOR_HEADER), () => c.req.json())
    return c.json(segmenter.explain(customer, c.req.param('group')))
  })

  // Public ratings: published reviews only.
  const ratings = () => {
    if (!options.aggregates) throw new ParleyError('NOT_FOUND', 'No review aggregates are configured.')
    return options.aggregates
  }
  app.get('/sellers/:id/rating', (c) => {
    return c.json(ratings().seller(c.req.param('id')))
  })
  app.get('/listings/:id/rating', (c) => {
    return c.json(ratings().listing(c.req.param('id')))
  })

  const dev = options.devClock
  if (dev) {
    // Demo-only routes: time travel, and firing what is due now.
    app.post('/_dev/clock/advance', async (c) => {
      const { by } = (await c.req.json()) as { by: string }
      dev.advance(by)
      return c.json({ now: new Date(dev.now()).toISOString() })
    })
    app.post('/_dev/deadlines/run', async (c) => c.json({ fired: await engine.runDueDeadlines() }))
  }

  return app
}
