import { ParleyError } from '@parley/core'
import { describe, expect, it } from 'vitest'
import { dispute, listingModeration, review, ticket } from '../src/index'

describe('policies', () => {
  it('accept ISO-8601 and short durations', () => {
    expect(() => dispute({ sellerResponseWindow: 'PT48H', appealWindow: 'P2W' })).not.toThrow()
    expect(() => ticket({ sla: { urgent: { firstResponse: '30m', nextResponse: 'PT2H' } } })).not.toThrow()
  })

  it('refuse a bad duration when the workflow is built, naming the option', () => {
    const attempts: [() => unknown, string][] = [
      [() => dispute({ sellerResponseWindow: 'three days' }), 'sellerResponseWindow'],
      [
        () => ticket({ sla: { low: { firstResponse: 'P1M', nextResponse: 'P1D' } } }),
        'sla.low.firstResponse',
      ],
      [() => listingModeration({ changesWindow: 'soon' }), 'changesWindow'],
      [() => review({ evidenceWindow: '-1d' }), 'evidenceWindow'],
    ]
    for (const [build, option] of attempts) {
      try {
        build()
        expect.unreachable(`${option} should be refused`)
      } catch (error) {
        expect(ParleyError.is(error, 'VALIDATION')).toBe(true)
        expect((error as ParleyError).issues[0]?.path).toEqual(['policy', option])
      }
    }
  })

  it('refuse a report threshold below one', () => {
    expect(() => listingModeration({ reportThreshold: 0 })).toThrow(ParleyError)
  })
})
