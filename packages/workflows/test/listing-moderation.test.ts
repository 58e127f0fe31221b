import { describe, expect, it } from 'vitest'
import { listingModeration, type Moderate } from '../src/index'
import { operator, seller, system, testEngine } from './helpers'

const sheet = {
  parties: { seller: 's1' },
  listingId: 'l-1',
  fields: { title: 'Oak lamp', description: 'Hand made', price: 4900 },
}

/** Rules stand-in: contact details are rejected, the word "replica" is flagged, the rest approved. */
const rules: Moderate = ({ fields }) => {
  const text = `${fields.title} ${fields.description}`
  if (/@|\+33/.test(text)) return { decision: 'reject', reasons: ['contactDetails'] }
  if (/replica/i.test(text)) return { decision: 'flag', reasons: ['counterfeitRisk'] }
  return { decision: 'approve', reasons: [] }
}

describe('listingModeration', () => {
  it('publishes a clean listing straight from the rules on submit', async () => {
    const { engine, types } = testEngine([listingModeration({ moderate: rules })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    expect(l.state).toBe('draft')
    const s = await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    expect(s.state).toBe('published')
    expect(types()).toEqual(['listing.submitted', 'listing.published'])
  })

  it('rejects with a reason code and message when the rules reject', async () => {
    const { engine, events } = testEngine([listingModeration({ moderate: rules })])
    const l = await engine.open(
      'listingModeration',
      { ...sheet, fields: { title: 'Call +33 6 12' } },
      { actor: seller },
    )
    const s = await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    expect([s.state, s.done]).toEqual(['rejected', true])
    expect(events.at(-1)?.payload).toEqual({
      listingId: 'l-1',
      reasonCode: 'rules',
      message: 'contactDetails',
    })
  })

  it('sends everything to manual review by default; the operator requests per-field changes and approves the resubmission', async () => {
    const { engine, types } = testEngine([listingModeration()])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    const s = await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    expect(s.state).toBe('pendingReview')
    const c = await engine.send(
      l.id,
      {
        type: 'requestChanges',
        payload: { reasonCode: 'photos', message: 'Add photos', fields: { images: 'At least one' } },
      },
      { actor: operator },
    )
    expect(c.state).toBe('changesRequested')
    expect(c.context.changesRequested).toMatchObject({
      reasonCode: 'photos',
      fields: { images: 'At least one' },
    })
    const r = await engine.send(
      l.id,
      { type: 'resubmit', payload: { fields: { images: ['a.jpg'] } } },
      { actor: seller },
    )
    expect(r.state).toBe('pendingReview')
    const a = await engine.send(l.id, { type: 'approve', payload: {} }, { actor: operator })
    expect(a.state).toBe('published')
    expect(types()).toContain('listing.changesRequested')
  })

  it('expires when requested changes are not made in time', async () => {
    const { engine, clock, types } = testEngine([listingModeration({ changesWindow: 'P10D' })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    await engine.send(
      l.id,
      { type: 'requestChanges', payload: { reasonCode: 'price', message: 'Fix it' } },
      { actor: operator },
    )
    clock.advance('P10D')
    await engine.runDueDeadlines()
    expect((await engine.get(l.id, { viewer: seller })).state).toBe('expired')
    expect(types()).toContain('listing.expired')
  })

  it('sends a published listing back to review when distinct reporters reach the threshold', async () => {
    const { engine } = testEngine([listingModeration({ moderate: rules, reportThreshold: 2 })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    const report = (reporterId: string) =>
      engine.send(l.id, { type: 'report', payload: { reporterId, reason: 'counterfeit' } }, { actor: system })
    expect((await report('b1')).state).toBe('published')
    expect((await report('b1')).state).toBe('published')
    expect((await report('b2')).state).toBe('pendingReview')
  })

  it('lets any buyer report a published listing in their own name, not in another buyer’s', async () => {
    const { engine } = testEngine([listingModeration({ moderate: rules, reportThreshold: 2 })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    const stranger = { role: 'buyer', id: 'b7' } as const
    const r = await engine.send(
      l.id,
      { type: 'report', payload: { reporterId: 'b7', reason: 'counterfeit' } },
      { actor: stranger },
    )
    expect(r.state).toBe('published')
    await expect(
      engine.send(
        l.id,
        { type: 'report', payload: { reporterId: 'b8', reason: 'counterfeit' } },
        { actor: stranger },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' })
    await expect(
      engine.send(l.id, { type: 'approve', payload: {} }, { actor: stranger }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })

  it('moderates again when the seller edits a moderated field, not other fields', async () => {
    const { engine } = testEngine([
      listingModeration({ moderate: rules, moderatedFields: ['title', 'description'] }),
    ])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    const priced = await engine.send(
      l.id,
      { type: 'edit', payload: { fields: { price: 3900 } } },
      { actor: seller },
    )
    expect([priced.state, priced.context.submissions]).toEqual(['published', 1])
    const retitled = await engine.send(
      l.id,
      { type: 'edit', payload: { fields: { title: 'Replica lamp' } } },
      { actor: seller },
    )
    expect(retitled.state).toBe('pendingReview')
  })

  it('suspends and reinstates a published listing', async () => {
    const { engine, types } = testEngine([listingModeration({ moderate: rules })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    const s = await engine.send(
      l.id,
      { type: 'suspend', payload: { reasonCode: 'recall', message: 'Safety recall' } },
      { actor: operator },
    )
    expect(s.state).toBe('suspended')
    const r = await engine.send(l.id, { type: 'reinstate', payload: {} }, { actor: operator })
    expect(r.state).toBe('published')
    expect(types()).toEqual(expect.arrayContaining(['listing.suspended', 'listing.reinstated']))
  })

  it('falls back to manual review when the moderation function throws', async () => {
    const broken: Moderate = () => {
      throw new Error('rules down')
    }
    const { engine } = testEngine([listingModeration({ moderate: broken })])
    const l = await engine.open('listingModeration', sheet, { actor: seller })
    const s = await engine.send(l.id, { type: 'submit', payload: {} }, { actor: seller })
    expect(s.state).toBe('pendingReview')
    expect(s.context.moderation).toEqual({ decision: 'flag', reasons: ['moderationFailed'] })
  })
})
