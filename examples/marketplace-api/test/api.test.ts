import { manualClock } from '@parley/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ApiClient, ApiError, apiClient } from '../src/client'
import { playDay } from '../src/demo'
import { type RunningServer, startServer } from '../src/server'

let server: RunningServer
let api: ApiClient

beforeAll(async () => {
  server = await startServer({
    port: 0,
    sqliteFile: ':memory:',
    devClock: manualClock(new Date('2026-12-01T09:00:00Z')),
    schedulerIntervalMs: 60_000,
    log: () => undefined,
  })
  api = apiClient(server.url)
})
afterAll(() => server.close())

async function failure(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  )
  expect(e).toBeInstanceOf(ApiError)
  return e as ApiError
}

const disputeInput = {
  parties: { buyer: 'bea', seller: 'shop' },
  orderId: 'ord-9',
  orderTotal: 3000,
  currency: 'EUR',
  reason: 'notReceived',
  remedy: 'fullRefund',
  description: 'Nothing arrived.',
}

describe('the marketplace API', () => {
  it('plays the scripted day of the demo end to end', async () => {
    const lines: string[] = []
    await playDay(api, (l) => lines.push(l))
    const text = lines.join('\n')
    expect(text).toContain('opens ticket → awaitingSeller')
    expect(text).toContain('answers publicly → awaitingBuyer')
    expect(text).toContain('decides a partial refund of 20.00 EUR → resolved')
    expect(text).toContain('upholds the review → published')
    expect(text).toMatch(/resubmits without the phone number → published/)
  })

  it('answers each Parley error with its HTTP status and the error body', async () => {
    const d = await api.open('buyer:bea', 'dispute', disputeInput)
    expect((await failure(api.send('buyer:bea', d.id, 'accept'))).status).toBe(403)
    expect((await failure(api.send('seller:other', d.id, 'accept'))).status).toBe(403)
    const bad = await failure(api.send('seller:shop', d.id, 'offer', { remedy: 'teleport' }))
    expect(bad.status).toBe(422)
    expect(bad.body.error?.code).toBe('VALIDATION')
    expect((await failure(api.send('buyer:bea', d.id, 'acceptOffer'))).status).toBe(409)
    expect((await failure(api.get('buyer:bea', 'dis_nothing'))).status).toBe(404)
    expect((await failure(api.open('buyer:bea', 'nope', {}))).status).toBe(404)
    expect((await failure(api.call(null, 'GET', `/cases/${d.id}`))).status).toBe(403)
    const stale = await failure(
      api.call('seller:shop', 'POST', `/cases/${d.id}/events`, {
        type: 'accept',
        payload: {},
        expectedVersion: 99,
      }),
    )
    expect(stale.status).toBe(412)
  })

  it('never shows a buyer the operator’s note or the seller side channel', async () => {
    const d = await api.open('buyer:bea', 'dispute', { ...disputeInput, orderId: 'ord-10' })
    await api.send('operator:olga', d.id, 'post', { body: 'internal', audience: ['operator'] })
    await api.send('operator:olga', d.id, 'post', { body: 'to seller', audience: ['seller', 'operator'] })
    await api.send('seller:shop', d.id, 'post', { body: 'public answer' })
    const buyerView = await api.get('buyer:bea', d.id)
    expect(buyerView.context.messages.map((m: { body: string }) => m.body)).toEqual(['public answer'])
    const history = await api.history('buyer:bea', d.id)
    expect(JSON.stringify(history)).not.toContain('internal')
    expect(JSON.stringify(history)).not.toContain('to seller')
    expect((await api.actions('seller:shop', d.id)).actions).toEqual(
      expect.arrayContaining(['accept', 'offer', 'reject']),
    )
  })

  it('replays a request with the same idempotency key instead of applying it twice', async () => {
    const d = await api.open('buyer:bea', 'dispute', { ...disputeInput, orderId: 'ord-11' })
    const post = () =>
      fetch(`${server.url}/cases/${d.id}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-parley-actor': 'buyer:bea',
          'idempotency-key': 'k-ord-11',
        },
        body: JSON.stringify({ type: 'post', payload: { body: 'once' } }),
      }).then((r) => r.json() as Promise<{ version: number }>)
    const [a, b] = [await post(), await post()]
    expect(b.version).toBe(a.version)
    expect((await api.history('operator:olga', d.id)).filter((e) => e.type === 'post')).toHaveLength(1)
  })
})
