import { formatPayload, formatTranscript, type TranscriptStep } from '@parley/core/testing'
import { describe, expect, it } from 'vitest'

describe('formatTranscript', () => {
  it('prints one numbered line per step with what was sent and what came of it', () => {
    const steps: TranscriptStep[] = [
      {
        index: 0,
        sent: { actor: { role: 'buyer', id: 'b1' }, type: '$open', payload: { amount: 40 } },
        outcome: { kind: 'accepted', from: null, to: 'requested', version: 1, emitted: ['return.requested'] },
      },
      {
        index: 1,
        command: { kind: 'step', pick: 3, seed: 9, moves: true },
        sent: { actor: { role: 'seller', id: 's1' }, type: 'approve', payload: {} },
        outcome: { kind: 'accepted', from: 'requested', to: 'approved', version: 2, emitted: [] },
      },
      {
        index: 2,
        command: { kind: 'advance', ms: 3 * 86_400_000 + 3_600_000 },
        outcome: { kind: 'clock', now: 0 },
      },
      {
        index: 3,
        command: {
          kind: 'send',
          actor: { role: 'buyer', id: 'b1' },
          type: 'ship',
          payload: 42,
          valid: false,
        },
        outcome: { kind: 'refused', code: 'VALIDATION', message: 'Invalid payload for "ship".' },
      },
      {
        index: 4,
        command: { kind: 'skipToDeadline' },
        outcome: {
          kind: 'fired',
          now: 0,
          firings: [{ type: 'shipmentDue', from: 'approved', to: 'closed', seq: 3 }],
        },
      },
    ]
    expect(formatTranscript(steps)).toBe(
      [
        '  0. open by buyer b1 with {"amount":40}  ✓ ∅ → requested (v1) emits return.requested',
        '  1. seller s1 sends approve {} [step]  ✓ requested → approved (v2)',
        '  2. clock +3d 1h  now 1970-01-01T00:00:00.000Z',
        '  3. buyer b1 sends ship 42 (invalid)  ✗ VALIDATION: Invalid payload for "ship".',
        '  4. jump to the next deadline and run it  at 1970-01-01T00:00:00.000Z fired shipmentDue ✓ approved → closed (v3)',
      ].join('\n'),
    )
  })

  it('shortens long payloads', () => {
    expect(formatPayload({ text: 'x'.repeat(500) })).toMatch(/… \(511 chars\)$/)
    expect(formatPayload(Number.NaN)).toBe('NaN')
  })
})
