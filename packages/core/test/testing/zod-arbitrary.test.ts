import { invalidZodArbitrary, zodArbitrary } from '@parley/core/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

const schemas = {
  object: z.object({ name: z.string().min(2).max(5), tags: z.array(z.string()).max(3) }),
  string: z.string().min(3).max(8),
  email: z.email(),
  regex: z.string().regex(/^[A-Z]{3}-\d{2}$/),
  int: z.number().int().positive().max(10),
  number: z.number().gt(1).lt(2),
  multipleOf: z.number().multipleOf(5).min(0).max(100),
  boolean: z.boolean(),
  enum: z.enum(['a', 'b', 'c']),
  literal: z.literal('fixed'),
  array: z.array(z.number().int()).min(2).max(4),
  optional: z.object({ note: z.string().optional() }),
  nullable: z.number().nullable(),
  union: z.union([z.string().max(3), z.number().int()]),
  default: z.object({ size: z.number().default(3) }),
  record: z.record(z.string(), z.boolean()),
  tuple: z.tuple([z.string(), z.number()]),
  nested: z.object({ refund: z.object({ amount: z.number().positive(), currency: z.enum(['EUR', 'USD']) }) }),
}

describe('zodArbitrary', () => {
  for (const [kind, schema] of Object.entries(schemas)) {
    it(`generates only values a ${kind} schema accepts`, () => {
      fc.assert(
        fc.property(zodArbitrary(schema as z.ZodType), (v) => schema.safeParse(v).success),
        { numRuns: 200 },
      )
    })
  }

  it('generates optional object fields both present and absent', () => {
    const values = fc.sample(zodArbitrary(schemas.optional), { numRuns: 200, seed: 1 })
    expect(values.some((v) => 'note' in v)).toBe(true)
    expect(values.some((v) => !('note' in v))).toBe(true)
  })

  it('honours refinements by filtering', () => {
    const even = z
      .number()
      .int()
      .min(0)
      .max(100)
      .refine((n) => n % 2 === 0)
    fc.assert(fc.property(zodArbitrary(even), (n) => n % 2 === 0))
  })

  it('explains which schema kind it cannot generate', () => {
    expect(() => zodArbitrary(z.never())).toThrow(/cannot generate values of a zod "never" schema/)
  })
})

describe('invalidZodArbitrary', () => {
  for (const [kind, schema] of Object.entries(schemas)) {
    it(`generates only values a ${kind} schema rejects`, () => {
      const bad = invalidZodArbitrary(schema as z.ZodType)
      expect(bad).not.toBeNull()
      fc.assert(
        fc.property(bad!, (v) => !schema.safeParse(v).success),
        { numRuns: 200 },
      )
    })
  }

  it('produces missing fields, oversized strings and wrong types for an object', () => {
    const schema = z.object({ reason: z.string().min(1).max(10), amount: z.number() })
    const values = fc.sample(invalidZodArbitrary(schema)!, { numRuns: 300, seed: 7 })
    const objects = values.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null)
    expect(objects.some((v) => !('reason' in v) || !('amount' in v))).toBe(true)
    expect(objects.some((v) => typeof v.reason === 'string' && v.reason.length > 10)).toBe(true)
    expect(values.some((v) => typeof v !== 'object' || v === null || Array.isArray(v))).toBe(true)
  })

  it('returns null for a schema that accepts anything', () => {
    expect(invalidZodArbitrary(z.unknown())).toBeNull()
  })
})
