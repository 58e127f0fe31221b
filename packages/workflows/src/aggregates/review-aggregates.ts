import type { DomainEvent } from '@parley/core'

/** The prior of the Bayesian mean: `weight` imaginary reviews rated `mean`. */
export interface RatingPrior {
  /** @default 3 */
  readonly mean: number
  /** @default 5 */
  readonly weight: number
}

/** Options of {@link createReviewAggregates}. */
export interface ReviewAggregatesOptions {
  /** Prior of the Bayesian mean. @default { mean: 3, weight: 5 } */
  readonly prior?: Partial<RatingPrior>
}

/** Rating statistics over the published, visible reviews of a seller or a listing. */
export interface RatingStats {
  readonly count: number
  /** Arithmetic mean; `null` without reviews. */
  readonly mean: number | null
  /** Number of reviews per rating, 1 to 5. */
  readonly distribution: Readonly<Record<1 | 2 | 3 | 4 | 5, number>>
  /** `(prior.weight × prior.mean + Σ ratings) / (prior.weight + count)`: ranks small samples fairly. */
  readonly bayesianMean: number
  /** Share of the counted reviews the seller replied to; `null` without reviews. */
  readonly replyRate: number | null
}

/** Per-seller contest statistics: the abuse signal Trustpilot publishes. */
export interface ContestStats {
  readonly filed: number
  readonly upheld: number
  readonly removed: number
  /** Contests filed against reviews rated 1 or 2. */
  readonly againstLowRatings: number
  /** `againstLowRatings / filed`; `null` when none were filed. */
  readonly lowRatingShare: number | null
}

/** A seller's aggregate: rating statistics and contest statistics. */
export interface SellerAggregate extends RatingStats {
  readonly contests: ContestStats
}

/** What the aggregates read of a domain event. */
export type ReviewDomainEventLike = Pick<DomainEvent, 'type' | 'caseId' | 'payload'>

/** Read access to review aggregates. */
export interface ReviewAggregatesView {
  /** Statistics of a seller (zeros when unknown). */
  seller(sellerId: string): SellerAggregate
  /** Statistics of a listing (zeros when unknown). */
  listing(listingId: string): RatingStats
  /** Ids of the sellers and listings seen so far. */
  keys(): { sellers: string[]; listings: string[] }
}

/** Review aggregates kept up to date from the review workflow's domain events. */
export interface ReviewAggregates extends ReviewAggregatesView {
  /** Folds one domain event in; events of other types are ignored. */
  apply(event: ReviewDomainEventLike): void
}

interface ReviewRow {
  sellerId: string
  listingId: string | null
  rating: number
  published: boolean
  visible: boolean
  replied: boolean
}

interface Totals {
  count: number
  sum: number
  dist: [number, number, number, number, number]
  replied: number
}

interface Contests {
  filed: number
  upheld: number
  removed: number
  low: number
}

const emptyTotals = (): Totals => ({ count: 0, sum: 0, dist: [0, 0, 0, 0, 0], replied: 0 })
const emptyContests = (): Contests => ({ filed: 0, upheld: 0, removed: 0, low: 0 })
const counted = (row: ReviewRow | undefined): row is ReviewRow => !!row && row.published && row.visible

type Payload = Record<string, unknown>
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const ratingOf = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5 ? v : null

/**
 * Applies one event to the per-review table and the contest counters, without touching totals.
 * Returns the row as it was before, or `undefined` when nothing changed.
 */
function foldEvent(
  rows: Map<string, ReviewRow>,
  contests: (sellerId: string) => Contests,
  event: ReviewDomainEventLike,
): { before: ReviewRow | undefined; changed: boolean } {
  const p = (event.payload ?? {}) as Payload
  const row = rows.get(event.caseId)
  const before = row ? { ...row } : undefined
  switch (event.type) {
    case 'review.published': {
      const sellerId = str(p.sellerId)
      const rating = ratingOf(p.rating)
      if (sellerId === null || rating === null) return { before, changed: false }
      rows.set(event.caseId, {
        sellerId,
        listingId: str(p.listingId),
        rating,
        published: true,
        visible: true,
        replied: row?.replied ?? false,
      })
      return { before, changed: true }
    }
    case 'review.contested': {
      const sellerId = str(p.sellerId) ?? row?.sellerId
      if (sellerId) {
        const c = contests(sellerId)
        c.filed++
        const rating = ratingOf(p.rating) ?? row?.rating
        if (rating !== undefined && rating <= 2) c.low++
      }
      if (row && p.hidden === true) row.visible = false
      return { before, changed: !!row }
    }
    case 'review.upheld': {
      const sellerId = str(p.sellerId) ?? row?.sellerId
      if (sellerId) contests(sellerId).upheld++
      if (row) row.visible = true
      return { before, changed: !!row }
    }
    case 'review.removed': {
      const sellerId = str(p.sellerId) ?? row?.sellerId
      if (sellerId && p.contested === true) contests(sellerId).removed++
      if (row) {
        row.published = false
        row.visible = false
      }
      return { before, changed: !!row }
    }
    case 'review.edited': {
      const rating = ratingOf(p.rating)
      if (row && rating !== null) row.rating = rating
      return { before, changed: !!row && rating !== null }
    }
    case 'review.replied': {
      if (row) row.replied = true
      return { before, changed: !!row }
    }
    default:
      return { before, changed: false }
  }
}

function add(t: Totals, row: ReviewRow, sign: 1 | -1): void {
  t.count += sign
  t.sum += sign * row.rating
  t.dist[row.rating - 1]! += sign
  if (row.replied) t.replied += sign
}

function statsOf(t: Totals, prior: RatingPrior): RatingStats {
  return {
    count: t.count,
    mean: t.count === 0 ? null : t.sum / t.count,
    distribution: { 1: t.dist[0], 2: t.dist[1], 3: t.dist[2], 4: t.dist[3], 5: t.dist[4] },
    bayesianMean: (prior.weight * prior.mean + t.sum) / (prior.weight + t.count),
    replyRate: t.count === 0 ? null : t.replied / t.count,
  }
}

function contestStatsOf(c: Contests): ContestStats {
  return {
    filed: c.filed,
    upheld: c.upheld,
    removed: c.removed,
    againstLowRatings: c.low,
    lowRatingShare: c.filed === 0 ? null : c.low / c.filed,
  }
}

function getOrCreate<V>(map: Map<string, V>, key: string, create: () => V): V {
  const found = map.get(key)
  if (found) return found
  const value = create()
  map.set(key, value)
  return value
}

function resolvePrior(options: ReviewAggregatesOptions): RatingPrior {
  return { mean: options.prior?.mean ?? 3, weight: options.prior?.weight ?? 5 }
}

/**
 * Creates review aggregates maintained incrementally: each event adjusts the running totals of
 * the seller and listing it touches. Feed it from `engine.on('*', ...)` or an outbox relay.
 * @example
 * const stats = createReviewAggregates({ prior: { mean: 4, weight: 10 } })
 * engine.on('*', (e) => stats.apply(e))
 * stats.seller('s1').bayesianMean
 */
export function createReviewAggregates(options: ReviewAggregatesOptions = {}): ReviewAggregates {
  const prior = resolvePrior(options)
  const rows = new Map<string, ReviewRow>()
  const sellers = new Map<string, Totals>()
  const listings = new Map<string, Totals>()
  const contests = new Map<string, Contests>()
  const contestsOf = (id: string) => getOrCreate(contests, id, emptyContests)
  const totals = (map: Map<string, Totals>, id: string) => getOrCreate(map, id, emptyTotals)
  const contribute = (row: ReviewRow, sign: 1 | -1) => {
    add(totals(sellers, row.sellerId), row, sign)
    if (row.listingId !== null) add(totals(listings, row.listingId), row, sign)
  }
  return {
    apply(event) {
      const { before, changed } = foldEvent(rows, contestsOf, event)
      if (!changed) return
      if (counted(before)) contribute(before, -1)
      const after = rows.get(event.caseId)
      if (counted(after)) contribute(after, 1)
    },
    ...viewOver(sellers, listings, contests, prior),
  }
}

/** Reads totals kept by either path (incremental or recomputed) as the public view. */
function viewOver(
  sellers: ReadonlyMap<string, Totals>,
  listings: ReadonlyMap<string, Totals>,
  contests: ReadonlyMap<string, Contests>,
  prior: RatingPrior,
): ReviewAggregatesView {
  return {
    seller: (id) => ({
      ...statsOf(sellers.get(id) ?? emptyTotals(), prior),
      contests: contestStatsOf(contests.get(id) ?? emptyContests()),
    }),
    listing: (id) => statsOf(listings.get(id) ?? emptyTotals(), prior),
    keys: () => ({
      sellers: [...new Set([...sellers.keys(), ...contests.keys()])].sort(),
      listings: [...listings.keys()].sort(),
    }),
  }
}

/**
 * Recomputes review aggregates from scratch: folds the events into the table of reviews, then
 * sums the published, visible ones. Gives the same result as {@link createReviewAggregates} fed
 * the same events, which is how a projection is rebuilt or audited.
 */
export function computeReviewAggregates(
  events: Iterable<ReviewDomainEventLike>,
  options: ReviewAggregatesOptions = {},
): ReviewAggregatesView {
  const prior = resolvePrior(options)
  const rows = new Map<string, ReviewRow>()
  const contests = new Map<string, Contests>()
  const contestsOf = (id: string) => getOrCreate(contests, id, emptyContests)
  for (const event of events) foldEvent(rows, contestsOf, event)
  const sellers = new Map<string, Totals>()
  const listings = new Map<string, Totals>()
  for (const row of rows.values()) {
    // Subjects with only removed reviews still show up with zero counts, as in the incremental path.
    if (!sellers.has(row.sellerId)) sellers.set(row.sellerId, emptyTotals())
    if (row.listingId !== null && !listings.has(row.listingId)) listings.set(row.listingId, emptyTotals())
    if (!counted(row)) continue
    add(sellers.get(row.sellerId)!, row, 1)
    if (row.listingId !== null) add(listings.get(row.listingId)!, row, 1)
  }
  return viewOver(sellers, listings, contests, prior)
}
