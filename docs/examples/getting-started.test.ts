import { expect, it } from 'vitest'
import { gettingStarted } from './getting-started'

it('runs the getting-started story as the docs tell it', async () => {
  const out = await gettingStarted()
  expect(out.state).toBe('resolved')
  expect(out.refunds).toEqual([{ orderId: 'o-42', amount: 8000 }])
  expect(out.escalated).toBe('escalated')
})
