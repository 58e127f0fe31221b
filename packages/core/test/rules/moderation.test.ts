import safeRegex from 'safe-regex2'
import { describe, expect, it } from 'vitest'
import { ParleyError } from '../../src/errors/parley-error'
import {
  containsAnyWord,
  createModerator,
  findContactDetails,
  type ModerationFile,
  maskContactDetails,
} from '../../src/rules/index'
import { contactPatterns } from '../../src/rules/text-checks'

const file: ModerationFile = {
  wordLists: { banned: ['arnaque', 'escroquerie', 'scam', 'fraud', 'contrefaçon'] },
  rules: [
    {
      decision: 'reject',
      reason: 'banned-words',
      conditions: { all: [{ fact: 'text', operator: 'containsAnyWord', value: 'banned' }] },
    },
    {
      decision: 'flag',
      reason: 'contact-details',
      conditions: {
        all: [
          { fact: 'kind', operator: 'equal', value: 'listing' },
          { fact: 'containsContactDetails', operator: 'equal', value: true },
        ],
      },
    },
    {
      decision: 'flag',
      reason: 'low-rating-new-author',
      conditions: {
        all: [
          { fact: 'rating', operator: 'lessThanInclusive', value: 2 },
          { fact: 'author', path: '$.accountAgeDays', operator: 'lessThan', value: 7 },
        ],
      },
    },
    {
      decision: 'reject',
      reason: 'too-short',
      conditions: {
        all: [
          { fact: 'kind', operator: 'equal', value: 'review' },
          { fact: 'textLength', operator: 'lessThan', value: 3 },
        ],
      },
    },
    {
      decision: 'flag',
      reason: 'repeat-offender',
      conditions: {
        all: [{ fact: 'author', path: '$.rejectedCount', operator: 'greaterThanInclusive', value: 3 }],
      },
    },
  ],
}

describe('text checks', () => {
  it('finds emails, phone numbers and URLs in French and English texts', () => {
    const kinds = (t: string) => findContactDetails(t).map((m) => m.kind)
    expect(kinds('écrivez-moi à jean.dupont@exemple.fr')).toEqual(['email'])
    expect(kinds('jean (at) exemple (dot) fr')).toEqual(['email'])
    expect(kinds('jean arobase exemple point fr')).toEqual(['email'])
    expect(kinds('appelez le 06 12 34 56 78')).toEqual(['phone'])
    expect(kinds('call +33 6 12 34 56 78 or (555) 123-4567')).toEqual(['phone', 'phone'])
    expect(kinds('see www.example.com/item or https://shop.example.org')).toEqual(['url', 'url'])
    expect(kinds('moins cher sur monsite.fr')).toEqual(['url'])
    expect(kinds('Delivered in 3 days, 5 stars, order 12345')).toEqual([])
  })

  it('masks contact details in a message', () => {
    expect(maskContactDetails('Mail me: a.b@c.com or 06 12 34 56 78!')).toBe('Mail me: [hidden] or [hidden]!')
    expect(maskContactDetails('see x.fr', { mask: (k) => `<${k}>` })).toBe('see <url>')
  })

  it('matches words regardless of accents and case, as whole words', () => {
    expect(containsAnyWord('Une ARNAQUE complète', ['arnaque'])).toBe(true)
    expect(containsAnyWord('une arnaque', ['Arnaqué'])).toBe(true)
    expect(containsAnyWord('CONTREFACON!', ['contrefaçon'])).toBe(true)
    expect(containsAnyWord('scampi are great', ['scam'])).toBe(false)
    expect(containsAnyWord('this is a total SCAM.', ['total scam'])).toBe(true)
  })

  it('uses only regular expressions that safe-regex2 accepts', () => {
    for (const re of Object.values(contactPatterns)) expect(safeRegex(re)).toBe(true)
  })

  it('finds nothing slowly on long adversarial input', () => {
    const start = performance.now()
    findContactDetails(`${'a.'.repeat(20_000)}@${'1 '.repeat(20_000)}`)
    expect(performance.now() - start).toBeLessThan(2000)
  })
})

describe('createModerator', () => {
  const { moderate } = createModerator(file)

  it('approves content no rule objects to', () => {
    expect(moderate({ kind: 'review', text: 'Très bon vendeur, rapide.', rating: 5 })).toMatchObject({
      decision: 'approve',
      reasons: [],
    })
  })

  it('rejects banned words with their reason code', () => {
    expect(moderate({ kind: 'review', text: "C'est une ESCROQUERIE", rating: 1 })).toMatchObject({
      decision: 'reject',
      reasons: ['banned-words'],
    })
  })

  it('keeps the most severe decision and its reasons', () => {
    const r = moderate({ kind: 'review', text: 'scam', rating: 1, author: { accountAgeDays: 1 } })
    expect(r.decision).toBe('reject')
    expect(r.reasons).toEqual(['banned-words'])
    expect(r.matches.map((m) => m.reason)).toEqual(['banned-words', 'low-rating-new-author'])
  })

  it('reads the author history', () => {
    expect(moderate({ kind: 'listing', text: 'Lampe', author: { rejectedCount: 3 } })).toMatchObject({
      decision: 'flag',
      reasons: ['repeat-offender'],
    })
  })

  it('holds buyer-seller messages with contact details by default', () => {
    expect(moderate({ kind: 'message', text: 'écris-moi sur jean@exemple.fr' })).toMatchObject({
      decision: 'flag',
      reasons: ['contact-details'],
    })
  })

  it('delivers them masked when the policy is mask', () => {
    const { moderate: mask } = createModerator(file, { contactDetails: 'mask' })
    expect(mask({ kind: 'message', text: 'appelle le 06 12 34 56 78' })).toEqual({
      decision: 'approve',
      reasons: [],
      matches: [],
      maskedText: 'appelle le [hidden]',
    })
  })

  it('never throws on odd content', () => {
    expect(() => moderate({ kind: 'review', text: 42 as never, author: null as never })).not.toThrow()
    expect(() => moderate(undefined as never)).not.toThrow()
  })

  it('refuses unsafe regular expressions and unknown word lists', () => {
    try {
      createModerator({
        rules: [
          {
            decision: 'reject',
            reason: 'x',
            conditions: { all: [{ fact: 'text', operator: 'matchesPattern', value: '(a+)+$' }] },
          },
          {
            decision: 'reject',
            reason: 'y',
            conditions: { all: [{ fact: 'text', operator: 'containsAnyWord', value: 'nope' }] },
          },
        ],
      })
    } catch (e) {
      expect(ParleyError.is(e, 'RULES_INVALID')).toBe(true)
      expect((e as ParleyError).issues.map((i) => i.path.join('.'))).toEqual([
        'rules.0.conditions.all.0.value',
        'rules.1.conditions.all.0.value',
      ])
      expect((e as ParleyError).issues[0]!.message).toMatch(/exponential/)
      return
    }
    throw new Error('expected RULES_INVALID')
  })

  it('runs safe regular expressions', () => {
    const { moderate: m } = createModerator({
      rules: [
        {
          decision: 'flag',
          reason: 'sku',
          conditions: { all: [{ fact: 'text', operator: 'matchesPattern', value: '\\bsku-\\d+\\b' }] },
        },
      ],
    })
    expect(m({ kind: 'listing', text: 'Ref SKU-123' }).decision).toBe('flag')
  })
})

describe('createModerator with the workflows', () => {
  it('accepts the workflows content shape { kind, fields }', () => {
    const { moderate } = createModerator(file)
    expect(
      moderate({ kind: 'listing', fields: { title: 'Sac', description: 'contactez moi: 06 12 34 56 78' } }),
    ).toMatchObject({
      decision: 'flag',
      reasons: ['contact-details'],
    })
    expect(moderate({ kind: 'review', fields: { text: 'ok', rating: 1 } })).toMatchObject({
      decision: 'reject',
      reasons: ['too-short'],
    })
  })
})
