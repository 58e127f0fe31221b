import { createRequire } from 'node:module'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compilePath, parsePath } from '../../src/rules/json-path'

// jsonpath-plus is what json-rules-engine resolves paths with; load the very copy it uses
const require = createRequire(import.meta.url)
const { JSONPath } = createRequire(require.resolve('json-rules-engine'))('jsonpath-plus') as {
  JSONPath: (o: { path: string; json: unknown; wrap: boolean }) => unknown
}

const name = fc.constantFrom('a', 'b', 'x_1', '0', '1', 'length', 'a b', 'a-b', 'toString')
const segment = fc.oneof(
  name.filter((n) => /^[A-Za-z0-9_]+$/.test(n)).map((n) => `.${n}`),
  name.map((n) => `['${n}']`),
  fc.integer({ min: 0, max: 2 }).map((i) => `[${i}]`),
  fc.constant('[*]'),
)
const path = fc.array(segment, { maxLength: 4 }).map((s) => `$${s.join('')}`)
const json = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(name, tie('v'), { maxKeys: 3 }),
  ),
})).v

describe('the JSONPath subset', () => {
  it('resolves like jsonpath-plus with wrap: false, on objects and arrays', () => {
    fc.assert(
      fc.property(path, json, (p, value) => {
        if (value === null || typeof value !== 'object') return
        const parsed = parsePath(p)
        if (!('segments' in parsed)) throw new Error(parsed.error)
        expect(compilePath(parsed.segments)(value)).toEqual(JSONPath({ path: p, json: value, wrap: false }))
      }),
      { numRuns: 2000 },
    )
  })

  it('refuses what it does not support, with a message saying what to write', () => {
    expect(parsePath('$..a')).toMatchObject({ error: expect.stringContaining('.name') })
    expect(parsePath('a.b')).toMatchObject({ error: expect.stringContaining('starts with "$"') })
    expect(parsePath('$.__proto__')).toMatchObject({ error: expect.stringContaining('forbidden') })
  })
})
