import type { StateValue } from 'xstate'

/** `'a'` → `'a'`; `{ a: 'b' }` → `'a.b'`; parallel regions are joined with `,`. */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value
  const parts: string[] = []
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue
    const sub = statePath(child as StateValue)
    parts.push(sub === '' ? key : `${key}.${sub}`)
  }
  return parts.join(',')
}

/** Every active state node's path: `{ a: 'b' }` → `['a', 'a.b']`. */
export function activePaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value]
  const out: string[] = []
  for (const [key, child] of Object.entries(value)) {
    const path = prefix + key
    out.push(path)
    if (child !== undefined && !(typeof child === 'object' && Object.keys(child).length === 0)) {
      out.push(...activePaths(child as StateValue, `${path}.`))
    }
  }
  return out
}
