import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import { assign, setup } from 'xstate'
import { z } from 'zod'
import { type Actor, createEngine, defineWorkflow, manualClock, memoryStore, ParleyError } from '../src/index'
import { type ClaimContext, claimWorkflow } from './fixtures/claim-workflow'

const buyer: Actor = { role: 'buyer', id: 'b1' }
const seller: Actor = { role: 'seller', id: 's1' }
const stranger: Actor = { role: 'buyer', id: 'b2' }
const operator: Actor = { role: 'operator', id: 'o1' }
const input = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }

function setupEngine() {
  const clock = manualClock()
  const store = memoryStore()
  const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
  return { clock, store, engine }
}

async function rejected(p: Promise<unknown>): Promise<ParleyError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  )
  expect(e).toBeInstanceOf(ParleyError)
  return e as ParleyError
}

describe('opening a case', () => {
  it('stores version 1, the parties, an $open audit entry and the opening domain events', async () => {
    const { engine, store } = setupEngine()
    const events: string[] = []
    engine.on('*', (e) => events.push(e.type))
    const c = await engine.open('claim', input, { actor: buyer })
    expect(c).toMatchObject({
      workflow: 'claim',
      workflowVersion: 1,
      state: 'awaitingSeller',
      version: 1,
      done: false,
    })
    expect(c.parties).toEqual({ buyer: 'b1', seller: 's1' })
    expect(events).toEqual(['claim.opened'])
    const log = await store.readAudit(c.id)
    expect(log).toEqual([
      expect.objectContaining({ seq: 1, type: '$open', from: null, to: 'awaitingSeller', actor: buyer }),
    ])
    expect((await store.claimOutbox(Date.now(), 10, 1000)).map((r) => r.type)).toEqual(['claim.opened'])
  })

  it('refuses invalid input with VALIDATION and paths into the input', async () => {
    const { engine } = setupEngine()
    const e = await rejected(engine.open('claim', { parties: { buyer: 'b1' }, amount: -1 }, { actor: buyer }))
    expect(e.code).toBe('VALIDATION')
    expect(e.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        ['input', 'parties', 'seller'],
        ['input', 'amount'],
      ]),
    )
  })

  it('refuses an unknown workflow, a role that may not open, and an opener who is not a party', async () => {
    const { engine } = setupEngine()
    expect((await rejected(engine.open('nope', input, { actor: buyer }))).code).toBe('UNKNOWN_WORKFLOW')
    expect((await rejected(engine.open('claim', input, { actor: seller }))).code).toBe('FORBIDDEN')
    expect((await rejected(engine.open('claim', input, { actor: stranger }))).code).toBe('FORBIDDEN')
    expect(
      (await rejected(engine.open('claim', input, { actor: { role: 'boss', id: 'x' } as never }))).code,
    ).toBe('VALIDATION')
  })

  it('returns the first result for a retried open with the same idempotency key, and writes nothing more', async () => {
    const { engine, store } = setupEngine()
    const a = await engine.open('claim', input, { actor: buyer, idempotencyKey: 'open-1' })
    const b = await engine.open('claim', input, { actor: buyer, idempotencyKey: 'open-1' })
    expect(b).toEqual(a)
    expect((await store.listCases()).items).toHaveLength(1)
    const e = await rejected(
      engine.open('claim', { ...input, amount: 41 }, { actor: buyer, idempotencyKey: 'open-1' }),
    )
    expect(e.code).toBe('CONFLICT')
  })
})

describe('sending events', () => {
  it('moves the case, bumps the version and audits who did what from which state to which', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    const r = await engine.send(c.id, { type: 'reject', payload: { reason: 'not mine' } }, { actor: seller })
    expect(r).toMatchObject({ state: 'escalated', version: 2 })
    const log = await engine.history(c.id, { viewer: operator })
    expect(log[1]).toMatchObject({
      seq: 2,
      type: 'reject',
      actor: seller,
      from: 'awaitingSeller',
      to: 'escalated',
      payload: { reason: 'not mine' },
    })
  })

  it('refuses a wrong role, a non-party, a bad payload, an unknown type and a wrong state, each with its code', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    expect((await rejected(engine.send(c.id, { type: 'accept' }, { actor: buyer }))).code).toBe('FORBIDDEN')
    expect(
      (await rejected(engine.send(c.id, { type: 'post', payload: { body: 'hi' } }, { actor: stranger })))
        .code,
    ).toBe('FORBIDDEN')
    const bad = await rejected(
      engine.send(c.id, { type: 'reject', payload: { reason: 42 } }, { actor: seller }),
    )
    expect(bad.code).toBe('VALIDATION')
    expect(bad.issues[0]?.path).toEqual(['payload', 'reason'])
    expect((await rejected(engine.send(c.id, { type: 'explode' }, { actor: seller }))).code).toBe(
      'VALIDATION',
    )
    expect(
      (await rejected(engine.send(c.id, { type: 'decide', payload: { refund: 1 } }, { actor: operator })))
        .code,
    ).toBe('EVENT_NOT_ALLOWED')
    expect((await rejected(engine.send('cla_missing', { type: 'accept' }, { actor: seller }))).code).toBe(
      'NOT_FOUND',
    )
    expect((await engine.get(c.id, { viewer: operator })).version).toBe(1)
  })

  it('refuses an event a guard rejects with EVENT_NOT_ALLOWED (a refund above the claim)', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    await engine.send(c.id, { type: 'reject', payload: { reason: 'no' } }, { actor: seller })
    const e = await rejected(
      engine.send(c.id, { type: 'decide', payload: { refund: 41 } }, { actor: operator }),
    )
    expect(e.code).toBe('EVENT_NOT_ALLOWED')
  })

  it('refuses a party posting to a channel it is not on (a buyer writing an internal note)', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    const e = await rejected(
      engine.send(c.id, { type: 'post', payload: { body: 'x', audience: ['operator'] } }, { actor: buyer }),
    )
    expect(e.code).toBe('FORBIDDEN')
  })

  it('accepts nothing once the case reached a final state', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    await engine.send(c.id, { type: 'accept' }, { actor: seller })
    const done = await engine.send(c.id, { type: 'close' }, { actor: buyer })
    expect(done).toMatchObject({ state: 'closed', done: true, deadlines: {} })
    expect(
      (await rejected(engine.send(c.id, { type: 'post', payload: { body: 'hi' } }, { actor: buyer }))).code,
    ).toBe('EVENT_NOT_ALLOWED')
  })

  it('fails with CONFLICT when expectedVersion is stale', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    await engine.send(c.id, { type: 'post', payload: { body: 'one' } }, { actor: buyer, expectedVersion: 1 })
    const e = await rejected(
      engine.send(c.id, { type: 'post', payload: { body: 'two' } }, { actor: buyer, expectedVersion: 1 }),
    )
    expect(e.code).toBe('CONFLICT')
    expect(e.details).toMatchObject({ expectedVersion: 1, actualVersion: 2 })
  })

  it('returns the first result for a retried send with the same key, even after the case moved on', async () => {
    const { engine, store } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    const first = await engine.send(
      c.id,
      { type: 'post', payload: { body: 'once' } },
      { actor: buyer, idempotencyKey: 'k1' },
    )
    await engine.send(c.id, { type: 'post', payload: { body: 'other' } }, { actor: buyer })
    const again = await engine.send(
      c.id,
      { type: 'post', payload: { body: 'once' } },
      { actor: buyer, idempotencyKey: 'k1' },
    )
    expect(again).toEqual(first)
    expect(await store.readAudit(c.id)).toHaveLength(3)
    const e = await rejected(
      engine.send(
        c.id,
        { type: 'post', payload: { body: 'changed' } },
        { actor: buyer, idempotencyKey: 'k1' },
      ),
    )
    expect(e.code).toBe('CONFLICT')
  })

  it('publishes domain events after commit and isolates a throwing listener', async () => {
    const { engine } = setupEngine()
    const onError = vi.fn()
    const e2 = createEngine({
      workflows: [claimWorkflow()],
      store: engine.store,
      clock: engine.clock,
      onListenerError: onError,
    })
    const seen: unknown[] = []
    e2.on('refund.requested', () => {
      throw new Error('listener bug')
    })
    e2.on('refund.requested', (e) => seen.push(e.payload))
    const c = await e2.open('claim', input, { actor: buyer })
    const r = await e2.send(c.id, { type: 'accept' }, { actor: seller })
    expect(r.state).toBe('resolved')
    expect(seen).toEqual([{ amount: 40 }])
    expect(onError).toHaveBeenCalledOnce()
  })
})

describe('reading cases', () => {
  it('shows each viewer only the messages of its audience, in get and in history', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    await engine.send(c.id, { type: 'post', payload: { body: 'public' } }, { actor: buyer })
    await engine.send(
      c.id,
      { type: 'post', payload: { body: 'note', audience: ['operator'] } },
      { actor: operator },
    )
    await engine.send(
      c.id,
      { type: 'post', payload: { body: 'to seller', audience: ['seller', 'operator'] } },
      { actor: operator },
    )
    await engine.send(
      c.id,
      { type: 'post', payload: { body: 'to buyer', audience: ['buyer', 'operator'] } },
      { actor: operator },
    )
    const bodies = async (viewer: Actor) =>
      ((await engine.get(c.id, { viewer })).context.messages as Array<{ body: string }>).map((m) => m.body)
    expect(await bodies(buyer)).toEqual(['public', 'to buyer'])
    expect(await bodies(seller)).toEqual(['public', 'to seller'])
    expect(await bodies(operator)).toEqual(['public', 'note', 'to seller', 'to buyer'])
    expect((await engine.history(c.id, { viewer: buyer })).map((e) => e.seq)).toEqual([1, 2, 5])
    expect((await rejected(engine.get(c.id, { viewer: stranger }))).code).toBe('FORBIDDEN')
  })

  it('lists cases by filters and restricts a party to its own cases', async () => {
    const { engine } = setupEngine()
    const a = await engine.open('claim', input, { actor: buyer })
    await engine.open('claim', { ...input, parties: { buyer: 'b2', seller: 's1' } }, { actor: stranger })
    await engine.send(a.id, { type: 'reject', payload: { reason: 'no' } }, { actor: seller })
    expect((await engine.list({ state: 'escalated' })).items.map((c) => c.id)).toEqual([a.id])
    expect((await engine.list({ viewer: buyer })).items.map((c) => c.id)).toEqual([a.id])
    expect((await engine.list({ viewer: seller })).items).toHaveLength(2)
    expect((await engine.list({ party: 'b2' })).items).toHaveLength(1)
  })

  it('types the view with the workflow context the caller names', async () => {
    const { engine } = setupEngine()
    const c = await engine.open<ClaimContext>('claim', input, { actor: buyer })
    expectTypeOf(c.context.amount).toEqualTypeOf<number>()
    const v = await engine.get<ClaimContext>(c.id, { viewer: buyer })
    expect(v.context.amount).toBe(40)
  })

  it('tells a UI which events an actor may send now', async () => {
    const { engine } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    expect(await engine.allowedEvents(c.id, { actor: seller })).toEqual(['post', 'accept', 'reject'])
    expect(await engine.allowedEvents(c.id, { actor: buyer })).toEqual(['post'])
    expect(await engine.can(c.id, 'decide', { actor: operator })).toMatchObject({
      allowed: false,
      code: 'EVENT_NOT_ALLOWED',
    })
    expect(await engine.can(c.id, 'accept', { actor: buyer })).toMatchObject({
      allowed: false,
      code: 'FORBIDDEN',
    })
    expect(await engine.can(c.id, 'accept', { actor: seller })).toEqual({ allowed: true })
  })
})

describe('workflow versions', () => {
  it('runs each case on the version that opened it', async () => {
    const clock = manualClock()
    const store = memoryStore()
    const v1 = createEngine({ workflows: [claimWorkflow(1)], store, clock })
    const old = await v1.open('claim', input, { actor: buyer })
    const both = createEngine({ workflows: [claimWorkflow(1), claimWorkflow(2)], store, clock })
    const fresh = await both.open('claim', input, { actor: buyer })
    expect(fresh.workflowVersion).toBe(2)
    expect((await both.send(old.id, { type: 'accept' }, { actor: seller })).workflowVersion).toBe(1)
    const onlyV2 = createEngine({ workflows: [claimWorkflow(2)], store, clock })
    expect((await rejected(onlyV2.send(old.id, { type: 'close' }, { actor: buyer }))).code).toBe(
      'UNKNOWN_WORKFLOW',
    )
  })

  it('reports a stored snapshot the machine cannot restore as CASE_CORRUPT and writes nothing', async () => {
    const { engine, store } = setupEngine()
    const c = await engine.open('claim', input, { actor: buyer })
    const record = (await store.getCase(c.id))!
    await store.transaction((tx) =>
      tx.updateCase({ ...record, snapshot: { status: 'active', value: 'noSuchState', context: {} } }, 1),
    )
    const e = await rejected(engine.send(c.id, { type: 'accept' }, { actor: seller }))
    expect(e.code).toBe('CASE_CORRUPT')
    expect((await store.readAudit(c.id)).length).toBe(1)
  })

  it('reports a machine that throws as WORKFLOW_FAILED and writes nothing', async () => {
    const machine = setup({ types: {} as { context: { n: number } } }).createMachine({
      initial: 'a',
      context: { n: 0 },
      states: {
        a: {
          on: {
            boom: {
              actions: assign({
                n: () => {
                  throw new Error('bug in workflow')
                },
              }),
            },
          },
        },
      },
    })
    const wf = defineWorkflow({
      name: 'fragile',
      version: 1,
      machine,
      input: z.object({ parties: z.object({ buyer: z.string() }) }),
      events: { boom: { schema: z.object({}), roles: ['buyer'] } },
    })
    const store = memoryStore()
    const engine = createEngine({ workflows: [wf], store })
    const c = await engine.open('fragile', { parties: { buyer: 'b1' } }, { actor: buyer })
    const e = await rejected(engine.send(c.id, { type: 'boom' }, { actor: buyer }))
    expect(e.code).toBe('WORKFLOW_FAILED')
    expect((await store.getCase(c.id))?.version).toBe(1)
  })
})

describe('defineWorkflow', () => {
  it('refuses a deadline on a state the machine does not have, and bad durations', () => {
    const base = claimWorkflow()
    expect(() => defineWorkflow({ ...base, deadlines: { nowhere: { due: '1d' } } })).toThrow(ParleyError)
    expect(() => defineWorkflow({ ...base, deadlines: { escalated: { due: 'P1M' } } })).toThrow(/duration/)
    expect(() => defineWorkflow({ ...base, deadlines: { escalated: { accept: '1d' } } })).toThrow(
      /outside event/,
    )
    expect(() => defineWorkflow({ ...base, version: 0 })).toThrow(/version/)
  })
})
