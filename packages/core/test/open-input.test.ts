import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Actor, createEngine, manualClock, memoryStore, ParleyError } from '../src/index'
import { claimInput, claimWorkflow } from './fixtures/claim-workflow'

// House rule: bad input of any kind is a typed ParleyError with a path to the fault, and a refused
// `open` leaves the store as it was.

const NUM_RUNS = 300
const operator: Actor = { role: 'operator', id: 'o1' }
const buyer: Actor = { role: 'buyer', id: 'b1' }

const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
})

/** Inputs close to valid ones, so the schema's inner checks are reached too. */
const nearValid = fc.record(
  {
    parties: fc.oneof(
      fc.record(
        {
          buyer: fc.oneof(fc.constant('b1'), fc.string({ maxLength: 3 }), anyValue),
          seller: fc.oneof(fc.constant('s1'), fc.string({ maxLength: 3 }), anyValue),
        },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    amount: fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 20_000 }),
      fc.constantFrom('40', 40n, Number.NaN, null),
      anyValue,
    ),
    extra: anyValue,
  },
  { requiredKeys: [] },
)

/** The same with a `__proto__` own key, as JSON.parse makes one. */
const withProto = fc
  .tuple(nearValid, fc.jsonValue({ maxDepth: 2 }))
  .map(([v, p]) => Object.assign(JSON.parse(`{"__proto__": ${JSON.stringify(p)}}`), v))

const inputs = fc.oneof(anyValue, nearValid, withProto)

describe('engine.open with input from outside', () => {
  it('opens the case, or refuses with VALIDATION issues under "input" and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.constantFrom(operator, buyer),
        fc.option(fc.constant('key-1'), { nil: undefined }),
        async (input, actor, idempotencyKey) => {
          const store = memoryStore()
          const clock = manualClock()
          const engine = createEngine({ workflows: [claimWorkflow()], store, clock })
          let opened = false
          try {
            await engine.open('claim', input, {
              actor,
              ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
            })
            opened = true
          } catch (error) {
            if (!(error instanceof ParleyError)) throw error
            const parsed = claimInput.safeParse(input)
            if (error.code === 'FORBIDDEN') {
              // a valid input that names another buyer: the buyer is not a party of it
              expect(actor).toBe(buyer)
              expect(parsed.success && parsed.data.parties.buyer !== buyer.id).toBe(true)
            } else {
              expect(error.code).toBe('VALIDATION')
              expect(parsed.success).toBe(false)
              expect(error.issues.length).toBeGreaterThan(0)
              for (const issue of error.issues) expect(issue.path[0]).toBe('input')
            }
          }
          const cases = (await store.listCases()).items
          const outbox = await store.claimOutbox(clock.now(), 100, 0)
          if (opened) {
            expect(cases).toHaveLength(1)
            expect(outbox.length).toBeGreaterThan(0)
          } else {
            expect(cases).toEqual([])
            expect(outbox).toEqual([])
            expect(await store.getIdempotency('key-1')).toBeNull()
          }
        },
      ),
      { numRuns: NUM_RUNS },
    )
  })

  it('refuses a cyclic input sent with an idempotency key as VALIDATION under "input", storing nothing', async () => {
    const store = memoryStore()
    const engine = createEngine({ workflows: [claimWorkflow()], store })
    const input: Record<string, unknown> = { parties: { buyer: 'b1', seller: 's1' }, amount: 40 }
    input.self = input
    const error = await engine.open('claim', input, { actor: buyer, idempotencyKey: 'k' }).catch((e) => e)
    expect(error).toBeInstanceOf(ParleyError)
    expect(error).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['input'] }] })
    expect((await store.listCases()).items).toEqual([])
  })
})
