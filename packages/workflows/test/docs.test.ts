import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { renderWorkflowDoc, toMermaid, workflowCatalog } from '../src/index'

const docsDir = fileURLToPath(new URL('../../../docs/workflows/', import.meta.url))

describe('generated workflow docs', () => {
  for (const entry of workflowCatalog()) {
    it(`docs/workflows/${entry.name}.md matches the ${entry.name} workflow (run scripts/write-docs.ts when it does not)`, () => {
      const committed = readFileSync(`${docsDir}${entry.name}.md`, 'utf8')
      expect(committed).toBe(renderWorkflowDoc(entry.workflow, entry.policy))
    })
  }

  it('draws every leaf state and marks deadlines in the Mermaid diagram', () => {
    const dispute = workflowCatalog().find((e) => e.name === 'dispute')!.workflow
    const mermaid = toMermaid(dispute)
    expect(mermaid.startsWith('stateDiagram-v2\n  [*] --> awaitingSeller')).toBe(true)
    expect(mermaid).toContain('awaitingSeller --> escalated : ⏱ sellerResponseDue')
    expect(mermaid).toContain('closed --> [*]')
  })
})
