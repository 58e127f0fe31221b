import { ParleyError } from '../errors/parley-error'
import type { CaseRecord } from '../model/case'
import type { CaseQuery } from './store'

/** Default and maximum page sizes of `listCases`. */
export const DEFAULT_PAGE = 50
export const MAX_PAGE = 500

/** Checks a query's page size and returns it. @throws ParleyError `VALIDATION` */
export function pageSize(query: CaseQuery): number {
  const limit = query.limit ?? DEFAULT_PAGE
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new ParleyError('VALIDATION', `limit must be an integer from 1 to ${MAX_PAGE}`, {
      issues: [{ code: 'too_big', path: ['limit'], message: `expected 1..${MAX_PAGE}` }],
    })
  }
  return limit
}

/** Cursors are the last id of the previous page, base64url-encoded so callers treat them as opaque. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url')
}

/** Reads a cursor. @throws ParleyError `VALIDATION` on a malformed one. */
export function decodeCursor(cursor: string | null | undefined): string | null {
  if (cursor === undefined || cursor === null || cursor === '') return null
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new ParleyError('VALIDATION', 'Malformed cursor: pass back the nextCursor of a previous page.', {
      issues: [{ code: 'invalid_cursor', path: ['cursor'], message: 'not a cursor returned by listCases' }],
    })
  }
  return Buffer.from(cursor, 'base64url').toString('utf8')
}

/** True when `state` matches the query's state filter (exact, or a descendant). */
export function stateMatches(state: string, filter: string): boolean {
  return state === filter || state.startsWith(`${filter}.`)
}

/** True when the case has `party` as a party (any role, or the given role). */
export function partyMatches(record: CaseRecord, party: NonNullable<CaseQuery['party']>): boolean {
  if (typeof party === 'string') return Object.values(record.parties).includes(party)
  return record.parties[party.role] === party.id
}
