/**
 * `pnpm bench` — engine.send events/s on the memory store against a bare XState cycle on the
 * same machine: createActor(machine, { snapshot }) + send + getPersistedSnapshot + JSON.stringify.
 * The engine's step adds authorisation, zod validation, audit, outbox, deadlines and a
 * transaction; the aim is at most 3× the bare cycle. Prints the ratio measured in this run.
 */
import { createEngine, manualClock, memoryStore } from '@parley/core'
import { createActor } from 'xstate'
import { pingPong, pingPongMachine } from './fixtures/ping-pong'

const machine = pingPongMachine
const workflow = pingPong

const N = Number(process.env.BENCH_N ?? 20_000)
const actor = { role: 'operator', id: 'o1' } as const
const payload = { body: 'Thanks, I will look into it today.' }

async function engineRun(): Promise<number> {
  const engine = createEngine({ workflows: [workflow], store: memoryStore(), clock: manualClock() })
  const c = await engine.open('pingPong', { parties: { buyer: 'b1', seller: 's1' } }, { actor })
  const t = performance.now()
  for (let i = 0; i < N; i++) await engine.send(c.id, { type: 'answer', payload }, { actor })
  return (N / (performance.now() - t)) * 1000
}

function bareRun(): number {
  const start = createActor(machine, { input: {} as never })
  start.start()
  let snapshot: unknown = start.getPersistedSnapshot()
  start.stop()
  let bytes = 0
  const t = performance.now()
  for (let i = 0; i < N; i++) {
    const a = createActor(machine, { snapshot: snapshot as never })
    a.start()
    a.send({ type: 'answer', payload, actor, at: i })
    snapshot = a.getPersistedSnapshot()
    bytes += JSON.stringify(snapshot).length
    a.stop()
  }
  if (bytes === 0) throw new Error('unreachable')
  return (N / (performance.now() - t)) * 1000
}

// Warm up both paths, then alternate to spread the machine's noise over both.
await engineRun()
bareRun()
const engineRates: number[] = []
const bareRates: number[] = []
for (let round = 0; round < 3; round++) {
  bareRates.push(bareRun())
  engineRates.push(await engineRun())
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const e = median(engineRates)
const b = median(bareRates)
console.log(`events per run: ${N}, 3 rounds, medians`)
console.log(`bare XState cycle     ${b.toFixed(0).padStart(8)} events/s`)
console.log(`engine.send (memory)  ${e.toFixed(0).padStart(8)} events/s`)
console.log(`cost ratio engine/bare: ${(b / e).toFixed(2)}× (aim ≤ 3×)`)
