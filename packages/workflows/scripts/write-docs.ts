// Writes docs/workflows/<name>.md for every built-in workflow from the workflow definitions.
// Run from the repository root: pnpm tsx packages/workflows/scripts/write-docs.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { workflowCatalog } from '../src/docs/catalog'
import { renderWorkflowDoc } from '../src/docs/render'

const dir = fileURLToPath(new URL('../../../docs/workflows/', import.meta.url))
mkdirSync(dir, { recursive: true })
for (const entry of workflowCatalog()) {
  const file = `${dir}${entry.name}.md`
  writeFileSync(file, renderWorkflowDoc(entry.workflow, entry.policy))
  console.log(`wrote ${file}`)
}
