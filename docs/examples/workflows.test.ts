import { expect, it } from 'vitest'
import { workflowsSample } from './workflows'

it('registers the four built-in workflows with a business calendar', () => {
  const engine = workflowsSample()
  expect(['ticket', 'dispute', 'listingModeration', 'review'].map((n) => engine.workflow(n).name)).toEqual([
    'ticket',
    'dispute',
    'listingModeration',
    'review',
  ])
})
