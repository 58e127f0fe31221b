import type { StateValue } from 'xstate'

/**
 * The leaf states as dotted paths: `'a'` → `'a'`; `{ a: 'b' }` → `'a.b'`; parallel regions are
 * joined with `,` and keep their parents: `{ a: { x: 'p', y: 'q' } }` → `'a.x.p,a.y.q'`.
 */
export function statePath(value: StateValue): string {
  return leafPaths(value, '').join(',')
}

function leafPaths(value: StateValue, prefix: string): string[] {
  if (typeof value === 'string') return [prefix + value]
  const out: string[] = []
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || (typeof child === 'object' && Object.keys(child).length === 0))
      out.push(prefix + key)
    else out.push(...leafPaths(child as StateValue, `${prefix}${key}.`))
  }
  return out
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
