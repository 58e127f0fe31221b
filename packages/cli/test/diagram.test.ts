import { dispute, listingModeration, review, ticket, toMermaid } from '@parley/workflows'
import { describe, expect, it } from 'vitest'
import { runCli } from './helpers'

describe('parley diagram', () => {
  it('prints the Mermaid state diagram of the dispute workflow', async () => {
    const r = await runCli(['diagram', 'dispute'])
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('stateDiagram-v2')
    expect(lines).toContain('  [*] --> awaitingSeller')
    expect(lines).toContain('  escalated --> resolved : decide [canDecide]')
    expect(lines).toContain('  closed --> [*]')
  })

  it.each([
    ['ticket', ticket],
    ['dispute', dispute],
    ['listingModeration', listingModeration],
    ['review', review],
  ] as const)('prints the diagram of %s as the workflows package generates it', async (name, factory) => {
    const r = await runCli(['diagram', name])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${toMermaid(factory()).trimEnd()}\n`)
  })

  it('exits 2 naming the built-in workflows when the name is unknown or missing', async () => {
    const unknown = await runCli(['diagram', 'refund'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain(
      'no built-in workflow "refund"; one of ticket, dispute, listingModeration, review',
    )
    expect((await runCli(['diagram', 'toString'])).code).toBe(2)
    const missing = await runCli(['diagram'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('missing the workflow')
  })
})
