import type { CaseRecord } from '@parley/core'

let n = 0

/** A well-formed case record for the adapters' own tests. */
export function sampleCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  n += 1
  return {
    id: `case_${Date.now().toString(36)}_${n}`,
    workflow: 'sample',
    workflowVersion: 1,
    parties: { buyer: 'b1', seller: 's1' },
    state: 'awaitingSeller',
    done: false,
    snapshot: { status: 'active', value: 'awaitingSeller', context: { text: 'é"\\\n😀', n: [1.5, null] } },
    version: 1,
    timers: { enteredAt: { awaitingSeller: 1000 }, armed: {}, fired: {} },
    createdAt: 1000,
    updatedAt: 1000,
    ...overrides,
  }
}
