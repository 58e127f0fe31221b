import { describe, expect, it } from 'vitest'
import { ParleyError } from '../../src/errors/parley-error'
import { rulesJsonSchema, validateRules } from '../../src/rules/index'

function issuesOf(input: unknown, options = {}) {
  try {
    validateRules(input, options)
  } catch (e) {
    expect(ParleyError.is(e, 'RULES_INVALID')).toBe(true)
    return (e as ParleyError).issues
  }
  throw new Error('expected RULES_INVALID')
}

const leaf = (extra: Record<string, unknown> = {}) => ({
  fact: 'amountSpent',
  operator: 'greaterThan',
  value: 10,
  ...extra,
})
const file = (conditions: unknown, named?: Record<string, unknown>) => ({
  rules: [{ conditions, event: { type: 'ok' } }],
  ...(named ? { conditions: named } : {}),
})

describe('validateRules', () => {
  it('returns a valid file unchanged', () => {
    const f = file({ all: [leaf()] })
    expect(validateRules(f)).toBe(f)
  })

  it('reports an unknown operator at its path and lists the known ones', () => {
    const [issue] = issuesOf(file({ all: [leaf({ operator: 'greaterThen' })] }))
    expect(issue).toMatchObject({
      code: 'unknown_operator',
      path: ['rules', 0, 'conditions', 'all', 0, 'operator'],
    })
    expect(issue!.message).toContain('greaterThan')
  })

  it('reports a value of the wrong type for its operator', () => {
    const issues = issuesOf(
      file({ any: [leaf({ value: 'ten' }), { fact: 'c', operator: 'in', value: 'FR' }] }),
    )
    expect(issues.map((i) => [i.code, i.path.join('.')])).toEqual([
      ['invalid_value', 'rules.0.conditions.any.0.value'],
      ['invalid_value', 'rules.0.conditions.any.1.value'],
    ])
  })

  it('checks the items of someValue and everyValue values', () => {
    const issues = issuesOf(file({ all: [leaf({ operator: 'someValue:lessThan', value: [1, 'x'] })] }))
    expect(issues[0]).toMatchObject({ code: 'invalid_value' })
    expect(() =>
      validateRules(file({ all: [leaf({ operator: 'someValue:lessThan', value: [1, 2] })] })),
    ).not.toThrow()
  })

  it('reports unknown facts only when facts are declared', () => {
    const f = file({ all: [leaf({ fact: 'amountSpnt' })] })
    expect(() => validateRules(f)).not.toThrow()
    expect(issuesOf(f, { facts: ['amountSpent'] })[0]).toMatchObject({
      code: 'unknown_fact',
      path: ['rules', 0, 'conditions', 'all', 0, 'fact'],
    })
  })

  it('checks facts used as values', () => {
    const issues = issuesOf(file({ all: [leaf({ value: { fact: 'nope' } })] }), { facts: ['amountSpent'] })
    expect(issues[0]).toMatchObject({
      code: 'unknown_fact',
      path: ['rules', 0, 'conditions', 'all', 0, 'value', 'fact'],
    })
  })

  it('reports a reference to a missing named condition', () => {
    const [issue] = issuesOf(file({ all: [{ condition: 'vip' }] }, { big: { all: [leaf()] } }))
    expect(issue).toMatchObject({
      code: 'unknown_condition',
      path: ['rules', 0, 'conditions', 'all', 0, 'condition'],
    })
    expect(issue!.message).toContain('big')
  })

  it('accepts a missing named condition with allowUndefinedConditions', () => {
    expect(() =>
      validateRules(file({ all: [{ condition: 'vip' }] }), { allowUndefinedConditions: true }),
    ).not.toThrow()
  })

  it('reports cycles between named conditions', () => {
    const issues = issuesOf(
      file(
        { all: [{ condition: 'a' }] },
        { a: { all: [{ condition: 'b' }] }, b: { any: [{ condition: 'a' }] } },
      ),
    )
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ code: 'condition_cycle', cycle: ['a', 'b', 'a'] })
  })

  it('refuses paths and names that touch __proto__, prototype or constructor', () => {
    for (const path of ['$.__proto__', "$['constructor']", '$.a.prototype']) {
      expect(issuesOf(file({ all: [leaf({ path })] }))[0]).toMatchObject({ code: 'forbidden_path' })
    }
    expect(issuesOf(file({ all: [leaf({ fact: '__proto__' })] }))[0]).toMatchObject({
      code: 'forbidden_path',
    })
  })

  it('refuses JSONPath features outside the subset, filters first', () => {
    for (const path of ['$..a', '$.a[?(@.x > 1)]', '$.a[0:2]', '$.a,b', 'a.b', '$.a[(@.length-1)]']) {
      expect(issuesOf(file({ all: [leaf({ path })] }))[0]).toMatchObject({ code: 'invalid_path' })
    }
  })

  it('enforces the depth limit', () => {
    let c: unknown = leaf()
    for (let i = 0; i < 40; i++) c = { all: [c] }
    expect(issuesOf(file(c)).some((i) => i.code === 'too_deep')).toBe(true)
    expect(() => validateRules(file(c), { limits: { maxDepth: 64 } })).not.toThrow()
  })

  it('enforces the size limits', () => {
    const many = {
      rules: Array.from({ length: 11 }, () => ({ conditions: { all: [] }, event: { type: 'x' } })),
    }
    expect(issuesOf(many, { limits: { maxRules: 10 } })[0]).toMatchObject({ code: 'too_large' })
    const wide = file({ any: Array.from({ length: 30 }, () => leaf()) })
    expect(issuesOf(wide, { limits: { maxConditions: 20 } })[0]).toMatchObject({ code: 'too_large' })
  })

  it('reports conditions that hold two kinds at once, or none', () => {
    expect(issuesOf(file({ all: [], any: [] }))[0]).toMatchObject({ code: 'ambiguous_condition' })
    expect(issuesOf(file({ all: [{ operator: 'equal', value: 1 }] }))[0]).toMatchObject({
      code: 'invalid_condition',
    })
    expect(issuesOf(file(leaf()))[0]).toMatchObject({
      code: 'invalid_condition',
      path: ['rules', 0, 'conditions'],
    })
  })

  it('reports a missing value, an unknown key and a bad event with zod paths', () => {
    const issues = issuesOf({
      rules: [
        { conditions: { all: [{ fact: 'a', operator: 'equal' }] }, event: { type: 'x' } },
        { conditions: { all: [leaf({ vlaue: 1 })] }, event: { type: 'x' } },
      ],
    })
    expect(issues.map((i) => i.path.join('.'))).toEqual([
      'rules.0.conditions.all.0.value',
      'rules.1.conditions.all.0.vlaue',
    ])
    expect(issuesOf({ rules: [{ conditions: { all: [] }, event: {} }] })[0]!.path).toEqual([
      'rules',
      0,
      'event',
      'type',
    ])
  })

  it('reports every fault at once and names them in the message', () => {
    try {
      validateRules(file({ all: [leaf({ operator: 'nope' }), leaf({ path: '$..x' })] }))
    } catch (e) {
      expect((e as ParleyError).issues).toHaveLength(2)
      expect((e as ParleyError).message).toContain('rules[0].conditions.all[0].operator')
      return
    }
    throw new Error('expected an error')
  })

  it('accepts custom operators registered in code, with their value check', () => {
    const operators = {
      startsWith: {
        evaluate: (a: unknown, b: unknown) => typeof a === 'string' && a.startsWith(String(b)),
        validateValue: (v: unknown) => (typeof v === 'string' ? undefined : 'expected a string prefix'),
      },
    }
    expect(() =>
      validateRules(file({ all: [leaf({ operator: 'startsWith', value: 'a' })] }), { operators }),
    ).not.toThrow()
    expect(
      issuesOf(file({ all: [leaf({ operator: 'startsWith', value: 1 })] }), { operators })[0],
    ).toMatchObject({
      code: 'invalid_value',
    })
  })
})

describe('rulesJsonSchema', () => {
  it('exports a JSON Schema for each file kind', () => {
    for (const kind of ['rules', 'groups', 'moderation', 'routing'] as const) {
      const schema = rulesJsonSchema(kind)
      expect(schema.$schema).toContain('json-schema.org')
      expect(JSON.stringify(schema)).toContain('"operator"')
    }
  })
})
