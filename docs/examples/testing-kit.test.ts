import { expect, it } from 'vitest'
import { kitSamples } from './testing-kit'

it('samples every building block of the kit and runs a scenario', async () => {
  const out = await kitSamples()
  expect(out.inputs).toHaveLength(3)
  expect(out.bad).toHaveLength(3)
  expect(out.actors).toHaveLength(5)
  expect(out.events.every((e) => typeof e.type === 'string')).toBe(true)
  expect(Array.isArray(out.commands)).toBe(true)
  expect(out.result).toBeDefined()
})
