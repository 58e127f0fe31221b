import { ACTOR_HEADER } from './actor'

/** A caller of the API: `buyer:alice`. */
export type As = `${'buyer' | 'seller' | 'operator'}:${string}`

/** Thrown for non-2xx answers, with the API's error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: { code?: string; message?: string } },
  ) {
    super(`${status} ${body.error?.code ?? ''}: ${body.error?.message ?? ''}`)
  }
}

/** A tiny typed fetch wrapper over the marketplace API, as a front-end or a BFF would use it. */
export function apiClient(baseUrl: string) {
  async function call<T = any>(as: As | null, method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (as) headers[ACTOR_HEADER] = as
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const json = (await res.json()) as T & { error?: { code?: string; message?: string } }
    if (!res.ok) throw new ApiError(res.status, json)
    return json
  }
  return {
    open: (as: As, workflow: string, input: unknown) => call(as, 'POST', `/cases/${workflow}`, input),
    send: (as: As, id: string, type: string, payload: unknown = {}) =>
      call(as, 'POST', `/cases/${id}/events`, { type, payload }),
    get: (as: As, id: string) => call(as, 'GET', `/cases/${id}`),
    history: (as: As, id: string) => call<any[]>(as, 'GET', `/cases/${id}/history`),
    actions: (as: As, id: string) => call<{ actions: string[] }>(as, 'GET', `/cases/${id}/actions`),
    list: (as: As, query = '') => call<{ items: any[] }>(as, 'GET', `/cases${query}`),
    groupsOf: (as: As, customer: unknown) =>
      call<{ groups: string[] }>(as, 'POST', '/segments/groups-of', { customer }),
    explain: (as: As, group: string, customer: unknown) =>
      call(as, 'POST', `/segments/${group}/explain`, { customer }),
    rating: (sellerId: string) => call(null, 'GET', `/sellers/${sellerId}/rating`),
    advance: (by: string) => call(null, 'POST', '/_dev/clock/advance', { by }),
    runDeadlines: () => call<{ fired: number }>(null, 'POST', '/_dev/deadlines/run'),
    call,
  }
}

/** The client's type. */
export type ApiClient = ReturnType<typeof apiClient>
