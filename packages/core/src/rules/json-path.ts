/**
 * The JSONPath subset Parley accepts in a condition's `path`, resolved exactly as json-rules-engine
 * resolves it through jsonpath-plus with `wrap: false`:
 *
 * - `$` then any number of segments: `.name`, `['name']` / `["name"]`, `[0]`, `.0`, `[*]`;
 * - a name is `[A-Za-z0-9_]` in dot form; in brackets it may also hold spaces and `-`;
 * - a member is followed only when the current value is truthy and owns the key (`length` of strings
 *   and arrays included), so inherited properties are never read;
 * - without `[*]`, the result is the value found, or `undefined`; with `[*]`, it is the array of every
 *   value found, or `undefined` when nothing is found.
 *
 * Filters (`?()`), script expressions, recursive descent (`..`), slices and unions are refused:
 * jsonpath-plus evaluates filters as code, and the rest have no use in rules that justifies them.
 */

/** One step of a parsed path. */
export type PathSegment = { readonly key: string } | { readonly wildcard: true }

/** The keys no path may touch. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor'])

const DOT = /^\.([A-Za-z0-9_]+)/
const BRACKET = /^\[(?:'([A-Za-z0-9_ -]*)'|"([A-Za-z0-9_ -]*)"|(\d+)|(\*))\]/

/** Parses a path; returns the segments or a message saying what is wrong and how to write it. */
export function parsePath(path: string): { segments: PathSegment[] } | { error: string } {
  if (!path.startsWith('$'))
    return { error: `a path starts with "$", e.g. "$.address.country" (got "${path}")` }
  const segments: PathSegment[] = []
  let rest = path.slice(1)
  while (rest.length > 0) {
    const dot = DOT.exec(rest)
    const bracket = dot ? null : BRACKET.exec(rest)
    const m = dot ?? bracket
    if (!m) {
      return {
        error: `unsupported JSONPath at "${rest}": use .name, ['name'], [0] or [*] (filters, "..", slices and unions are not supported)`,
      }
    }
    if (bracket?.[4]) segments.push({ wildcard: true })
    else {
      const key = (dot ? m[1] : (m[1] ?? m[2] ?? m[3]))!
      if (FORBIDDEN_KEYS.has(key)) return { error: `the path touches "${key}", which is forbidden` }
      segments.push({ key })
    }
    rest = rest.slice(m[0].length)
  }
  return { segments }
}

const hasOwn = Object.prototype.hasOwnProperty

/** Compiles parsed segments into a resolver applied to a non-null object fact value. */
export function compilePath(segments: readonly PathSegment[]): (value: object) => unknown {
  const hasWildcard = segments.some((s) => 'wildcard' in s)
  if (!hasWildcard) {
    const keys = segments.map((s) => (s as { key: string }).key)
    if (keys.length === 0) return (v) => v
    return (root) => {
      let v: unknown = root
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!
        if (!v || !hasOwn.call(v, k)) return undefined
        v = (v as Record<string, unknown>)[k]
      }
      return v
    }
  }
  return (root) => {
    const out: unknown[] = []
    const walk = (v: unknown, i: number): void => {
      if (i === segments.length) {
        out.push(v)
        return
      }
      const s = segments[i]!
      if ('wildcard' in s) {
        if (Array.isArray(v)) for (let j = 0; j < v.length; j++) walk(v[j], i + 1)
        else if (v && typeof v === 'object')
          for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], i + 1)
      } else if (v && hasOwn.call(v, s.key)) walk((v as Record<string, unknown>)[s.key], i + 1)
    }
    walk(root, 0)
    return out.length === 0 ? undefined : out
  }
}
