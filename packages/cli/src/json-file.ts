/**
 * Reads a JSON file and, when it does not parse, says where: `file:line:column: message`.
 * V8's messages give an offset only for some faults, so the offset comes from a small scanner.
 */
import { readFile } from 'node:fs/promises'
import { text } from 'node:stream/consumers'
import { type Context, messageOf, resolvePath } from './io'

/** A JSON file read, or why not. */
export type JsonFileResult = { ok: true; value: unknown } | { ok: false; message: string }

/** A position in a text, both 1-based. */
export interface LineColumn {
  line: number
  column: number
}

/** Reads and parses a JSON file (`-` reads stdin). Never throws. */
export async function readJsonFile(ctx: Context, file: string): Promise<JsonFileResult> {
  let source: string
  try {
    if (file === '-') {
      if (!ctx.stdin) return { ok: false, message: '-: no standard input to read from' }
      source = await text(ctx.stdin)
    } else source = await readFile(resolvePath(ctx, file), 'utf8')
  } catch (e) {
    return { ok: false, message: `${file}: cannot read the file (${messageOf(e)})` }
  }
  return parseJson(source, file)
}

/** Parses JSON text; on a syntax error, the message names `file:line:column`. */
export function parseJson(source: string, file: string): JsonFileResult {
  // a UTF-8 byte order mark is not JSON but editors write it
  const body = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source
  try {
    return { ok: true, value: JSON.parse(body) }
  } catch (e) {
    const offset = jsonErrorOffset(body)
    const at =
      offset === undefined
        ? file
        : `${file}:${lineColumnOf(body, offset).line}:${lineColumnOf(body, offset).column}`
    return { ok: false, message: `${at}: invalid JSON: ${describe(messageOf(e))}` }
  }
}

/** V8's message without its offset or its quote of the input, both redundant here. */
function describe(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of input')
}

/** The 1-based line and column of an offset. */
export function lineColumnOf(source: string, offset: number): LineColumn {
  let line = 1
  let start = 0
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: offset - start + 1 }
}

/**
 * The offset of the first syntax error of a JSON text (its length when the input ends early), or
 * `undefined` when it cannot tell.
 * Only called after `JSON.parse` failed, so it needs to find the fault, not to build values.
 */
export function jsonErrorOffset(s: string): number | undefined {
  let i = 0
  class Fault {
    constructor(readonly at: number) {}
  }
  // annotated so that TypeScript narrows after a call (assertion-style control flow)
  const fail: (at?: number) => never = (at = i) => {
    throw new Fault(at)
  }
  const ws = () => {
    while (i < s.length && ' \t\n\r'.includes(s[i]!)) i++
  }
  const literal = (word: string) => {
    for (const ch of word) if (s[i++] !== ch) fail(i - 1)
  }
  const string = () => {
    i++ // opening quote
    while (i < s.length) {
      const c = s.charCodeAt(i)
      if (c === 34) {
        i++
        return
      }
      if (c < 0x20) fail()
      if (c === 92) {
        const e = s[i + 1]
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail(i + 1)
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else fail(i + 1)
      } else i++
    }
    fail()
  }
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400))
    if (!m || m[0] === '' || m[0] === '-') fail()
    i += m![0].length
  }
  const value = (): void => {
    ws()
    const c = s[i]
    if (c === undefined) fail()
    if (c === '{') {
      i++
      ws()
      if (s[i] === '}') {
        i++
        return
      }
      for (;;) {
        ws()
        if (s[i] !== '"') fail()
        string()
        ws()
        if (s[i] !== ':') fail()
        i++
        value()
        ws()
        if (s[i] === ',') i++
        else if (s[i] === '}') {
          i++
          return
        } else fail()
      }
    }
    if (c === '[') {
      i++
      ws()
      if (s[i] === ']') {
        i++
        return
      }
      for (;;) {
        value()
        ws()
        if (s[i] === ',') i++
        else if (s[i] === ']') {
          i++
          return
        } else fail()
      }
    }
    if (c === '"') string()
    else if (c === 't') literal('true')
    else if (c === 'f') literal('false')
    else if (c === 'n') literal('null')
    else if (c === '-' || (c >= '0' && c <= '9')) number()
    else fail()
  }
  try {
    value()
    ws()
    return Math.min(i, s.length)
  } catch (e) {
    if (e instanceof Fault) return Math.min(e.at, s.length)
    // nesting deep enough to exhaust the stack: the position is unknown, the fault is still reported
    return undefined
  }
}
