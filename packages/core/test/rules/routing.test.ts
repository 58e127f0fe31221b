import { describe, expect, it } from 'vitest'
import { createRouter, type RoutingFile } from '../../src/rules/index'

const file: RoutingFile = {
  defaults: { priority: 'normal', queue: 'general', slaPolicy: 'standard' },
  rules: [
    {
      priority: 10,
      set: { priority: 'urgent', queue: 'trust-safety' },
      conditions: { all: [{ fact: 'category', operator: 'equal', value: 'fraud' }] },
    },
    {
      set: { priority: 'high', slaPolicy: 'vip-4h' },
      conditions: { any: [{ fact: 'groups', operator: 'contains', value: 'vip' }] },
    },
    {
      set: { queue: 'payments' },
      conditions: { all: [{ fact: 'category', operator: 'in', value: ['refund', 'payment'] }] },
    },
  ],
}

describe('createRouter', () => {
  const router = createRouter(file)

  it('keeps the defaults when no rule matches', () => {
    expect(router.route({ category: 'question' })).toEqual({ ...file.defaults, matched: [] })
  })

  it('uses the buyer groups', () => {
    expect(router.route({ category: 'refund' }, ['vip', 'lapsed'])).toEqual({
      priority: 'high',
      queue: 'payments',
      slaPolicy: 'vip-4h',
      matched: [1, 2],
    })
  })

  it('lets the highest-priority rule set a field first', () => {
    expect(router.route({ category: 'fraud' }, ['vip'])).toMatchObject({
      priority: 'urgent',
      queue: 'trust-safety',
      slaPolicy: 'vip-4h',
    })
  })

  it('checks ticket facts when declared', () => {
    expect(() => createRouter(file, { facts: ['channel'] })).toThrow(/unknown fact "category"/)
  })
})
