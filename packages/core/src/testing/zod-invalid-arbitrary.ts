import fc from 'fast-check'
import type { z } from 'zod'
import { numberBounds, zodArbitrary } from './zod-arbitrary'

type Def = { readonly type: string } & Readonly<Record<string, unknown>>
type CheckDef = Readonly<Record<string, unknown>>

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def
const checksOf = (def: Def): CheckDef[] =>
  ((def.checks as { _zod: { def: CheckDef } }[] | undefined) ?? []).map((c) => c._zod.def)

/** Values of every JSON type, one of which is the wrong type for any schema that has a type. */
const WRONG_TYPES: readonly unknown[] = [null, 42, -1.5, 'x', '', true, [], {}, [1, 'a'], { unexpected: 1 }]

/**
 * An arbitrary of values the schema rejects: wrong types, missing required fields, oversized or
 * undersized strings and arrays, numbers out of range or not integers, values outside an enum, and
 * the same faults nested in one field of an object. Every value is checked to fail `safeParse`.
 * Returns `null` when the schema accepts anything (`z.any()`, `z.unknown()`).
 * @example
 * const bad = invalidZodArbitrary(refundSchema)
 * if (bad) fc.assert(fc.property(bad, (p) => !refundSchema.safeParse(p).success))
 */
export function invalidZodArbitrary(schema: z.ZodType): fc.Arbitrary<unknown> | null {
  const pool = WRONG_TYPES.filter((v) => !schema.safeParse(v).success)
  const mutations = mutationsOf(schema, 0)
  if (pool.length === 0 && mutations.length === 0) return null
  const choices: fc.Arbitrary<unknown>[] = [...mutations]
  // The pool guarantees the filter below ends: at least one of its values always fails.
  if (pool.length > 0) choices.push(fc.constantFrom(...pool))
  return fc.oneof(...choices).filter((v) => !schema.safeParse(v).success)
}

function mutationsOf(schema: unknown, depth: number): fc.Arbitrary<unknown>[] {
  const def = defOf(schema)
  if (depth > 3) return []
  switch (def.type) {
    case 'string':
      return stringFaults(def)
    case 'number':
    case 'int':
      return numberFaults(def)
    case 'enum':
      return [fc.constant('__not_a_member__')]
    case 'literal':
      return [fc.constant('__not_the_literal__')]
    case 'array':
      return arrayFaults(def, depth)
    case 'readonly':
    case 'nonoptional':
      return mutationsOf(def.innerType, depth)
    case 'nullable':
      // null is valid here; faults of the inner value are not.
      return mutationsOf(def.innerType, depth)
    case 'pipe':
      return mutationsOf(def.in, depth)
    case 'object':
      return objectFaults(schema as z.ZodType, depth)
    default:
      // Unions, optionals and defaults: the wrong-type pool covers them (undefined is valid there).
      return []
  }
}

function stringFaults(def: Def): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = []
  for (const c of checksOf(def)) {
    if (c.check === 'max_length' || c.check === 'length_equals') {
      const max = (c.maximum ?? c.length) as number
      out.push(fc.integer({ min: max + 1, max: max + 50 }).map((n) => 'x'.repeat(n)))
    }
    if ((c.check === 'min_length' && (c.minimum as number) > 0) || c.check === 'length_equals') {
      const min = (c.minimum ?? c.length) as number
      out.push(fc.integer({ min: 0, max: min - 1 }).map((n) => 'x'.repeat(n)))
    }
  }
  // Oversized strings even without a declared maximum: a payload of 100 kB.
  out.push(fc.constant('x'.repeat(100_000)))
  return out
}

function numberFaults(def: Def): fc.Arbitrary<unknown>[] {
  const b = numberBounds(def)
  const out: fc.Arbitrary<unknown>[] = [fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, '12')]
  if (b.min !== undefined) out.push(fc.double({ min: b.min - 1000, max: b.min, noNaN: true }))
  if (b.max !== undefined) out.push(fc.double({ min: b.max, max: b.max + 1000, noNaN: true }))
  if (b.int) out.push(fc.constantFrom(0.5, 1.25, -2.75))
  return out
}

function arrayFaults(def: Def, depth: number): fc.Arbitrary<unknown>[] {
  const out: fc.Arbitrary<unknown>[] = []
  const element = def.element as z.ZodType
  for (const c of checksOf(def)) {
    if (c.check === 'max_length') {
      const max = c.maximum as number
      out.push(fc.array(zodArbitrary(element), { minLength: max + 1, maxLength: max + 3 }))
    }
    if (c.check === 'min_length' && (c.minimum as number) > 0) {
      const min = c.minimum as number
      out.push(fc.array(zodArbitrary(element), { maxLength: min - 1 }))
    }
  }
  const bad = mutationsOf(element, depth + 1)
  if (bad.length > 0) out.push(fc.oneof(...bad).map((v) => [v]))
  return out
}

function objectFaults(schema: z.ZodType, depth: number): fc.Arbitrary<unknown>[] {
  const shape = defOf(schema).shape as Record<string, z.ZodType>
  const keys = Object.keys(shape)
  if (keys.length === 0) return []
  // A valid object, then one field broken.
  const valid = zodArbitrary(schema)
  const out: fc.Arbitrary<unknown>[] = []
  const required = keys.filter((k) => {
    const t = defOf(shape[k]).type
    return t !== 'optional' && t !== 'default' && t !== 'prefault'
  })
  if (required.length > 0) {
    // A missing required field.
    out.push(
      fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const copy = { ...(v as Record<string, unknown>) }
        delete copy[k]
        return copy
      }),
    )
  }
  for (const key of keys) {
    const field = shape[key]!
    const faults = [...mutationsOf(field, depth + 1), fc.constantFrom(...WRONG_TYPES)]
    out.push(
      fc
        .tuple(valid, fc.oneof(...faults))
        .map(([v, bad]) => ({ ...(v as Record<string, unknown>), [key]: bad })),
    )
  }
  return out
}
