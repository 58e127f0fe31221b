/**
 * `npx tsx examples/engine-basics/main.ts`: a small scenario played through the Parley engine on the embedded default
 * (the in-memory store), printing what each party sees.
 */
import { type Actor, createEngine, manualClock, memoryStore } from '@parley/core'
import { orderQuestion } from './order-question'

const buyer: Actor = { role: 'buyer', id: 'alice' }
const seller: Actor = { role: 'seller', id: 'bob-shop' }
const operator: Actor = { role: 'operator', id: 'olga' }

const clock = manualClock(new Date('2026-12-01T09:00:00Z'))
const engine = createEngine({ workflows: [orderQuestion()], store: memoryStore(), clock })
engine.on('*', (e) => console.log(`  ⚡ ${e.type} ${JSON.stringify(e.payload)}`))

const say = (who: Actor, line: string) => console.log(`${who.role.padEnd(8)} ${who.id.padEnd(9)} ${line}`)

const c = await engine.open(
  'orderQuestion',
  { parties: { buyer: 'alice', seller: 'bob-shop' }, orderId: 'o-1001', subject: 'Where is my parcel?' },
  { actor: buyer },
)
say(buyer, `opens ${c.id} → ${c.state}`)

await engine.send(
  c.id,
  { type: 'post', payload: { body: 'Hello, my order o-1001 has not arrived.' } },
  { actor: buyer },
)
say(buyer, 'posts a public message')
await engine.send(
  c.id,
  { type: 'post', payload: { body: 'Seller has two late parcels this week.', audience: ['operator'] } },
  { actor: operator },
)
say(operator, 'writes an internal note')
await engine.send(
  c.id,
  { type: 'post', payload: { body: 'Carrier lost it, I can refund.', audience: ['seller', 'operator'] } },
  { actor: seller },
)
say(seller, 'writes to the operator on the side channel')

clock.advance('P2D')
const fired = await engine.runDueDeadlines()
say({ role: 'system', id: 'scheduler' }, `${fired} deadline(s) fired after two days without a public answer`)

await engine.send(
  c.id,
  { type: 'resolve', payload: { resolution: 'Refund issued by the seller.' } },
  { actor: operator },
)
say(operator, 'resolves the question')

for (const viewer of [buyer, seller, operator]) {
  const view = await engine.get(c.id, { viewer })
  const messages = (view.context.messages as Array<{ author: Actor; body: string }>).map(
    (m) => `${m.author.role}: ${m.body}`,
  )
  console.log(`\n— what ${viewer.role} ${viewer.id} sees: state ${view.state}, version ${view.version}`)
  for (const m of messages) console.log(`    ${m}`)
  const log = await engine.history(c.id, { viewer })
  console.log(`    history: ${log.map((e) => `${e.seq}:${e.type}`).join(' ')}`)
}
