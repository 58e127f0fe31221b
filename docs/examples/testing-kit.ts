// Sample of docs/testing.md: the kit's building blocks. Type-checked, and run by
// docs/examples/testing-kit.test.ts.
// #region imports
import {
  actorArb,
  commandSequenceArb,
  eventArb,
  invalidZodArbitrary,
  runScenario,
  zodArbitrary,
} from '@parley/core/testing'
import fc from 'fast-check'
import { returns, returnsEvents, returnsInput } from '../../examples/custom-workflow/returns'
// #endregion imports

/** Samples each arbitrary and runs one generated scenario. */
export async function kitSamples() {
  const workflow = returns()
  // #region blocks
  const inputs = fc.sample(zodArbitrary(returnsInput), 3) // valid open inputs
  const bad = fc.sample(invalidZodArbitrary(returnsEvents.refund)!, 3) // payloads the schema rejects
  const actors = fc.sample(actorArb({ buyer: 'b1', seller: 's1' }), 5) // parties, operators, outsiders, system
  const events = fc.sample(eventArb(workflow, 'inspecting'), 5) // events that state handles, valid or not
  const parties = { buyer: 'b1', seller: 's1' }
  const [commands] = fc.sample(commandSequenceArb(workflow, { parties }), 1) // a generated scenario
  const input = inputs[0]!
  // One scenario through a real engine, with its readable transcript:
  const result = await runScenario({
    workflow,
    input: { ...input, parties },
    opener: { role: 'buyer', id: 'b1' },
    commands: commands!,
  })
  // #endregion blocks
  return { inputs, bad, actors, events, commands, result }
}
