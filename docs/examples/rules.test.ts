import { expect, it } from 'vitest'
import { rulesSamples } from './rules'

it('runs the rules reference samples', () => {
  const out = rulesSamples()
  expect(Array.isArray(out.result.events)).toBe(true)
  expect(out.why.length).toBeGreaterThan(0)
  expect(out.schema).toHaveProperty('type', 'object')
  expect(Array.isArray(out.groups)).toBe(true)
  expect(out.vip.groupId).toBe('vip')
  expect(out.verdict.decision).toBe('flag')
  expect(out.route).toMatchObject({ priority: 'high', queue: 'vip', slaPolicy: 'vip' })
  expect(out.custom.events).toEqual([{ type: 'tea' }])
})
