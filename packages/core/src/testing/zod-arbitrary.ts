import fc from 'fast-check'
import type { z } from 'zod'

// Arbitraries from zod v4 schemas, by walking `schema._zod.def`. zod's def objects are a public,
// documented surface of v4 (`._zod.def`), unlike its internal classes, so nothing else is read.

type Def = { readonly type: string } & Readonly<Record<string, unknown>>
type CheckDef = Readonly<Record<string, unknown>>

/** Options of {@link zodArbitrary}. */
export interface ZodArbitraryOptions {
  /** Longest string generated when the schema sets no maximum; @default 24 */
  readonly maxStringLength?: number
  /** Longest array (and most record keys) generated when the schema sets no maximum; @default 4 */
  readonly maxItems?: number
  /** Range of numbers generated when the schema sets no bound; @default 10_000 (so -10_000..10_000) */
  readonly numberRange?: number
  /** How deep `z.lazy` recursion goes before only its shortest branches are used; @default 3 */
  readonly maxDepth?: number
}

const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def
const checksOf = (def: Def): CheckDef[] =>
  ((def.checks as { _zod: { def: CheckDef } }[] | undefined) ?? []).map((c) => c._zod.def)

/**
 * An arbitrary of values the schema accepts, built from the schema's definition. Supports object,
 * string (lengths and formats), number (int, bounds, multipleOf), boolean, enum, literal, array,
 * tuple, optional, nullable, union, default, record, null, date, pipe (its input side), lazy and
 * the wrappers (`readonly`, `catch`, `prefault`). Values are checked with `safeParse`, so
 * refinements are honoured (a refinement that rejects almost everything makes generation slow:
 * pass your own arbitrary instead).
 * @throws Error for schema kinds it cannot generate (transforms without an input schema, `never`).
 * @example
 * fc.assert(fc.property(zodArbitrary(refundSchema), (p) => refundSchema.safeParse(p).success))
 */
export function zodArbitrary<T>(schema: z.ZodType<T>, options: ZodArbitraryOptions = {}): fc.Arbitrary<T> {
  const arb = build(schema, options, 0)
  return arb.filter((v) => schema.safeParse(v).success) as fc.Arbitrary<T>
}

function build(schema: unknown, o: ZodArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  const def = defOf(schema)
  const maxItems = o.maxItems ?? 4
  switch (def.type) {
    case 'string':
      return stringArb(def, o)
    case 'number':
      return numberArb(def, o)
    case 'int':
      return numberArb(def, o)
    case 'boolean':
      return fc.boolean()
    case 'bigint':
      return fc.bigInt({ min: -10_000n, max: 10_000n })
    case 'null':
      return fc.constant(null)
    case 'undefined':
    case 'void':
      return fc.constant(undefined)
    case 'any':
    case 'unknown':
      return fc.jsonValue({ maxDepth: 2 })
    case 'date':
      return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string | number>))
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]))
    case 'optional':
      return fc.option(build(def.innerType, o, depth), { nil: undefined, freq: 4 })
    case 'nullable':
      return fc.option(build(def.innerType, o, depth), { nil: null, freq: 4 })
    case 'default':
    case 'prefault':
      // The input may omit the value: the default fills it in.
      return fc.option(build(def.innerType, o, depth), { nil: undefined, freq: 4 })
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return build(def.innerType, o, depth)
    case 'pipe':
      return build(def.in, o, depth)
    case 'lazy':
      if (depth >= (o.maxDepth ?? 3)) return shallowest((def.getter as () => unknown)(), o, depth)
      return build((def.getter as () => unknown)(), o, depth + 1)
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((s) => build(s, o, depth)))
    case 'array': {
      const { min, max } = lengths(checksOf(def), 0, maxItems)
      return fc.array(build(def.element, o, depth), { minLength: min, maxLength: max })
    }
    case 'tuple':
      return fc.tuple(...(def.items as unknown[]).map((s) => build(s, o, depth)))
    case 'record':
      return fc.dictionary(
        build(def.keyType, o, depth) as fc.Arbitrary<string>,
        build(def.valueType, o, depth),
        { maxKeys: maxItems, noNullPrototype: true },
      )
    case 'object': {
      const shape = def.shape as Record<string, unknown>
      const model: Record<string, fc.Arbitrary<unknown>> = {}
      const required: string[] = []
      for (const [key, field] of Object.entries(shape)) {
        const fieldDef = defOf(field)
        if (fieldDef.type === 'optional') {
          model[key] = build(fieldDef.innerType, o, depth)
        } else {
          model[key] = build(field, o, depth)
          required.push(key)
        }
      }
      return fc.record(model, { requiredKeys: required, noNullPrototype: true })
    }
    default:
      throw new Error(
        `zodArbitrary: cannot generate values of a zod "${def.type}" schema. Pass your own fast-check arbitrary for this schema instead.`,
      )
  }
}

/** At the recursion limit, a lazy schema is generated from its non-recursive union branches. */
function shallowest(schema: unknown, o: ZodArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  const def = defOf(schema)
  if (def.type === 'union') {
    const leaves = (def.options as unknown[]).filter((s) => defOf(s).type !== 'lazy')
    if (leaves.length > 0) return fc.oneof(...leaves.map((s) => build(s, o, depth)))
  }
  if (def.type === 'array') return fc.constant([])
  if (def.type === 'optional' || def.type === 'nullable')
    return fc.constant(def.type === 'optional' ? undefined : null)
  return build(schema, o, depth)
}

function lengths(checks: CheckDef[], min: number, fallbackMax: number): { min: number; max: number } {
  let lo = min
  let hi: number | undefined
  for (const c of checks) {
    if (c.check === 'min_length') lo = Math.max(lo, c.minimum as number)
    if (c.check === 'max_length') hi = Math.min(hi ?? Number.POSITIVE_INFINITY, c.maximum as number)
    if (c.check === 'length_equals') {
      lo = c.length as number
      hi = c.length as number
    }
  }
  return { min: lo, max: hi ?? Math.max(lo, lo + fallbackMax) }
}

const FORMATS: Record<string, () => fc.Arbitrary<string>> = {
  email: () => fc.emailAddress(),
  uuid: () => fc.uuid(),
  guid: () => fc.uuid(),
  url: () => fc.webUrl(),
  datetime: () =>
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  date: () =>
    fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
}

const WORD_CHAR = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'.split(''))

function stringArb(def: Def, o: ZodArbitraryOptions): fc.Arbitrary<string> {
  const checks = def.check === 'string_format' ? [def as CheckDef, ...checksOf(def)] : checksOf(def)
  const { min, max } = lengths(checks, 0, o.maxStringLength ?? 24)
  const format = checks.find((c) => c.check === 'string_format')
  if (format) {
    const named = FORMATS[format.format as string]
    if (named) return named()
    if (format.pattern instanceof RegExp) return fc.stringMatching(format.pattern)
  }
  // Mostly readable words (they end up in transcripts), sometimes any ASCII or unicode.
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: max, unit: WORD_CHAR }) },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme-ascii' }) },
    { weight: 1, arbitrary: fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }) },
  )
}

/** The numeric bounds a number schema declares (shared with the invalid generator). */
export function numberBounds(def: Def): {
  min: number | undefined
  max: number | undefined
  minExcluded: boolean
  maxExcluded: boolean
  int: boolean
  multipleOf: number | undefined
} {
  let min: number | undefined
  let max: number | undefined
  let minExcluded = false
  let maxExcluded = false
  let int = def.type === 'int'
  let multipleOf: number | undefined
  const checks = def.check === 'number_format' ? [def as CheckDef, ...checksOf(def)] : checksOf(def)
  for (const c of checks) {
    if (c.check === 'number_format') int = int || String(c.format).includes('int')
    if (c.check === 'greater_than' && (min === undefined || (c.value as number) >= min)) {
      min = c.value as number
      minExcluded = !c.inclusive
    }
    if (c.check === 'less_than' && (max === undefined || (c.value as number) <= max)) {
      max = c.value as number
      maxExcluded = !c.inclusive
    }
    if (c.check === 'multiple_of') multipleOf = c.value as number
  }
  return { min, max, minExcluded, maxExcluded, int, multipleOf }
}

function numberArb(def: Def, o: ZodArbitraryOptions): fc.Arbitrary<number> {
  const b = numberBounds(def)
  const range = o.numberRange ?? 10_000
  // Unbounded sides get a modest range: amounts near each other find more bugs than 1e300 does.
  const lo = b.min ?? (b.max === undefined ? -range : b.max - 2 * range)
  const hi = b.max ?? (b.min === undefined ? range : b.min + 2 * range)
  if (b.multipleOf !== undefined) {
    const step = b.multipleOf
    return fc.integer({ min: Math.ceil(lo / step), max: Math.floor(hi / step) }).map((k) => k * step)
  }
  const imin = b.minExcluded && Number.isInteger(lo) ? lo + 1 : Math.ceil(lo)
  const imax = b.maxExcluded && Number.isInteger(hi) ? hi - 1 : Math.floor(hi)
  const ints = imin <= imax ? fc.integer({ min: imin, max: imax }) : null
  // Small values collide more (a refund above a small order total): favour them.
  const smin = Math.max(imin, -100)
  const smax = Math.min(imax, 100)
  const small = smin <= smax ? fc.integer({ min: smin, max: smax }) : null
  if (b.int) {
    if (!ints) return fc.constant(Math.ceil(lo))
    return small ? fc.oneof({ weight: 1, arbitrary: small }, { weight: 1, arbitrary: ints }) : ints
  }
  // Mostly whole numbers and cents (readable in transcripts), sometimes any double in range.
  const doubles = fc.double({
    min: lo,
    max: hi,
    minExcluded: b.minExcluded,
    maxExcluded: b.maxExcluded,
    noNaN: true,
    noDefaultInfinity: true,
  })
  const cmin = Math.ceil(lo * 100)
  const cmax = Math.floor(hi * 100)
  const inRange = (n: number) => (b.minExcluded ? n > lo : n >= lo) && (b.maxExcluded ? n < hi : n <= hi)
  const cents = cmin <= cmax ? fc.integer({ min: cmin, max: cmax }).map((n) => n / 100) : null
  // Readable choices first: with cross-shrinking a failure shrinks to a small whole number.
  const choices: fc.WeightedArbitrary<number>[] = []
  if (small) choices.push({ weight: 3, arbitrary: small })
  if (ints) choices.push({ weight: 2, arbitrary: ints })
  if (cents && cmax - cmin >= 2) choices.push({ weight: 2, arbitrary: cents.filter(inRange) })
  choices.push({ weight: 1, arbitrary: doubles })
  return fc.oneof({ withCrossShrink: true }, ...choices)
}
