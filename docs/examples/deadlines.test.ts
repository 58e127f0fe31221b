import { expect, it } from 'vitest'
import { deadlineStory } from './deadlines'

it('counts the reply target in working time across a holiday and a weekend', async () => {
  const out = await deadlineStory()
  // Thursday 24 Dec 16:00 Paris + 4 working hours: 2 h on Thursday, then Friday 25 is a holiday
  // and the weekend is off, so 2 h on Monday 28 Dec: 11:00 Paris = 10:00 UTC.
  expect(out.replyDue).toBe('2026-12-28T10:00:00.000Z')
  expect(out.autoClose).toBe('2027-01-23T15:00:00.000Z')
})
