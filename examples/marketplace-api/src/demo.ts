/**
 * `pnpm demo`: starts the marketplace API on the embedded default (SQLite, a fresh file) and
 * plays a scripted day through real HTTP calls, printing what each party sees.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { manualClock } from '@parley/core'
import { type ApiClient, type As, apiClient } from './client'
import { startServer } from './server'

const BUYER: As = 'buyer:alice'
const SELLER: As = 'seller:teahouse'
const OPERATOR: As = 'operator:olga'

/** Plays the day against a running API; `print` receives the transcript. */
export async function playDay(api: ApiClient, print: (line: string) => void): Promise<void> {
  const say = (as: As | 'system', line: string) => print(`${as.padEnd(17)} ${line}`)
  const section = (title: string) => print(`\n━━ ${title}`)
  const messagesSeenBy = async (as: As, id: string) => {
    const view = await api.get(as, id)
    return (
      view.context.messages as Array<{ author: { role: string }; body: string; audience: string[] }>
    ).map((m) => `${m.author.role} → [${m.audience.join(', ')}] ${m.body}`)
  }

  section('09:00 Listings: one auto-approved, one flagged and corrected')
  let listing = await api.open(SELLER, 'listingModeration', {
    parties: { seller: 'teahouse' },
    listingId: 'lst-tetsubin',
    fields: {
      title: 'Cast-iron teapot',
      description: 'Hand-made tetsubin from Morioka, 1.2 litres.',
      price: 8900,
    },
  })
  listing = await api.send(SELLER, listing.id, 'submit')
  say(SELLER, `submits "Cast-iron teapot" → ${listing.state}`)
  let flagged = await api.open(SELLER, 'listingModeration', {
    parties: { seller: 'teahouse' },
    listingId: 'lst-matcha',
    fields: {
      title: 'Ceremonial matcha',
      description: 'Stone-ground matcha. Call me on 06 12 34 56 78 for bulk prices.',
      price: 2400,
    },
  })
  flagged = await api.send(SELLER, flagged.id, 'submit')
  say(SELLER, `submits "Ceremonial matcha" → ${flagged.state} (rules flagged contact details)`)
  flagged = await api.send(OPERATOR, flagged.id, 'requestChanges', {
    reasonCode: 'contact-details',
    message: 'Deals happen on the marketplace: please remove the phone number.',
    fields: { description: 'Remove the phone number' },
  })
  say(OPERATOR, `requests changes on the description → ${flagged.state}`)
  flagged = await api.send(SELLER, flagged.id, 'resubmit', {
    fields: { description: 'Stone-ground ceremonial matcha from Uji, 30 g tin.' },
  })
  say(SELLER, `resubmits without the phone number → ${flagged.state}`)

  section('10:30 A ticket between buyer and seller, with an operator note')
  let t = await api.open(BUYER, 'ticket', {
    parties: { buyer: 'alice', seller: 'teahouse' },
    subject: 'Engraving on the teapot?',
    topic: 'product-question',
    about: { kind: 'listing', id: 'lst-tetsubin' },
    body: 'Hello! Can you engrave a name on the lid?',
  })
  say(BUYER, `opens ticket → ${t.state}`)
  t = await api.send(SELLER, t.id, 'post', { body: 'Yes, up to 10 letters, free of charge.' })
  say(SELLER, `answers publicly → ${t.state}`)
  await api.send(OPERATOR, t.id, 'post', {
    body: 'Engraving is allowed by our listing policy.',
    audience: ['operator'],
  })
  say(OPERATOR, 'adds an internal note')
  for (const as of [BUYER, OPERATOR]) {
    print(`    what ${as} sees:`)
    for (const line of await messagesSeenBy(as, t.id)) print(`      ${line}`)
  }

  section('11:00 A dispute: the seller misses the 3-day window, the operator decides')
  let d = await api.open(BUYER, 'dispute', {
    parties: { buyer: 'alice', seller: 'teahouse' },
    orderId: 'ord-1042',
    orderTotal: 4500,
    currency: 'EUR',
    reason: 'damaged',
    remedy: 'fullRefund',
    description: 'The tin of matcha arrived crushed and open.',
  })
  say(
    BUYER,
    `opens a dispute on ord-1042 (45.00 EUR) → ${d.state}, seller due ${new Date(d.deadlines.sellerResponseDue).toISOString()}`,
  )
  const { now } = await api.advance('P3DT1H')
  const { fired } = await api.runDeadlines()
  say('system', `clock → ${now}: ${fired} deadline(s) fired`)
  d = await api.get(OPERATOR, d.id)
  say(OPERATOR, `sees the dispute ${d.state}`)
  await api.send(OPERATOR, d.id, 'post', {
    body: 'Could you send a photo of the tin?',
    audience: ['buyer', 'operator'],
  })
  say(OPERATOR, 'asks the buyer privately for a photo')
  d = await api.send(OPERATOR, d.id, 'decide', {
    outcome: 'refundBuyer',
    amount: 2000,
    note: 'Partial refund: the tea is usable, the packaging was damaged.',
  })
  say(OPERATOR, `decides a partial refund of 20.00 EUR → ${d.state}`)
  print(
    `    seller sees ${(await messagesSeenBy(SELLER, d.id)).length} message(s); buyer sees ${(await messagesSeenBy(BUYER, d.id)).length}`,
  )

  section('15:00 A review: flagged, published, contested, upheld')
  let r = await api.open(OPERATOR, 'review', {
    parties: { buyer: 'alice', seller: 'teahouse' },
    orderId: 'ord-1042',
    listingId: 'lst-matcha',
  })
  say(OPERATOR, `asks alice for a review after delivery → ${r.state}`)
  r = await api.send(BUYER, r.id, 'submit', {
    rating: 2,
    title: 'Crushed parcel',
    body: 'The tea is fine but the tin arrived crushed.',
  })
  say(BUYER, `rates 2/5 → ${r.state} (low ratings are checked first)`)
  r = await api.send(OPERATOR, r.id, 'approve')
  say(OPERATOR, `approves → ${r.state}`)
  r = await api.send(SELLER, r.id, 'contest', {
    reason: 'notGenuine',
    note: 'The dispute was refunded; this is about the carrier.',
  })
  say(SELLER, `contests (not a genuine experience) → ${r.state}`)
  r = await api.send(OPERATOR, r.id, 'uphold', { note: 'A real order and a real experience.' })
  say(OPERATOR, `upholds the review → ${r.state}`)
  const rating = await api.rating('teahouse')
  say(
    'system',
    `teahouse rating: ${rating.count} review(s), mean ${rating.mean}, Bayesian ${rating.bayesianMean.toFixed(2)}, contests filed ${rating.contests.filed}, upheld ${rating.contests.upheld}`,
  )

  section('17:00 Segmentation: which groups is alice in, and why (not) VIP?')
  const alice = {
    id: 'alice',
    amountSpent: 640,
    numberOfOrders: 7,
    lastOrderDate: now,
    countries: ['FR'],
    emailSubscription: 'subscribed',
    tags: [],
  }
  const { groups } = await api.groupsOf(OPERATOR, alice)
  say(OPERATOR, `alice is in: ${groups.join(', ') || 'no group'}`)
  const why = await api.explain(OPERATOR, 'vip', alice)
  say(OPERATOR, `vip? ${why.matched ? 'yes' : 'no'}, because:`)
  for (const line of explainLines(why.conditions)) print(`      ${line}`)

  section('18:00 What each party has on its desk')
  for (const as of [BUYER, SELLER, OPERATOR]) {
    const page = await api.list(as)
    print(`    ${as}: ${page.items.map((c) => `${c.workflow}:${c.state}`).join(', ')}`)
  }
}

interface Explained {
  kind: string
  result?: boolean
  fact?: string
  operator?: string
  factValue?: unknown
  value?: unknown
  children?: Explained[]
}

/** The condition tree, one line per condition, with the value found and the verdict. */
function explainLines(node: Explained, depth = 0): string[] {
  const mark = node.result === true ? '✓' : node.result === false ? '✗' : '·'
  const pad = '  '.repeat(depth)
  if (node.kind === 'fact' && node.result === undefined)
    return [`${pad}${mark} ${node.fact} ${node.operator} (not evaluated)`]
  if (node.kind === 'fact') {
    return [
      `${pad}${mark} ${node.fact} ${node.operator} ${JSON.stringify(node.value)} (found ${JSON.stringify(node.factValue)})`,
    ]
  }
  return [`${pad}${mark} ${node.kind}`, ...(node.children ?? []).flatMap((c) => explainLines(c, depth + 1))]
}

// Run as a script: a fresh SQLite file, a manual clock so the day fits in a second, exit 0.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-demo-'))
  const clock = manualClock(new Date('2026-12-01T09:00:00Z'))
  const server = await startServer({
    port: 0,
    sqliteFile: join(dir, 'marketplace.sqlite'),
    devClock: clock,
    schedulerIntervalMs: 60_000,
  })
  console.log(`Parley marketplace API on ${server.url} (SQLite in ${dir})`)
  try {
    await playDay(apiClient(server.url), (line) => console.log(line))
  } finally {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('\nDemo finished.')
}
