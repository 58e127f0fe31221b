/**
 * Customers from NDJSON, one line at a time: readline over a stream keeps memory constant
 * whatever the file size. A line that is not a customer is reported and skipped, never fatal.
 */
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import type { CustomerProfile } from '@parley/core'

/** A line that could not be read as a customer. */
export interface MalformedLine {
  /** 1-based line number in the file. */
  readonly line: number
  readonly message: string
}

/** Options of {@link readCustomers}. */
export interface ReadCustomersOptions {
  /** Called for each skipped line, in file order. */
  onMalformed: (fault: MalformedLine) => void
  /** Called after each line with the bytes read so far (UTF-8, line ends included). */
  onBytes?: (bytes: number) => void
}

/**
 * Yields the customers of an NDJSON stream. Blank lines are ignored; a line that is not JSON, or
 * not an object with a string or number `id`, goes to `onMalformed`.
 */
export async function* readCustomers(
  input: Readable,
  options: ReadCustomersOptions,
): AsyncGenerator<CustomerProfile> {
  // readline re-emits the input's errors, and its iterator rejects with them (Node ≥ 16)
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  let bytes = 0
  try {
    for await (const text of lines) {
      line++
      bytes += Buffer.byteLength(text, 'utf8') + 1
      options.onBytes?.(bytes)
      if (text.trim() === '') continue
      const customer = parseCustomer(text)
      if (typeof customer === 'string') options.onMalformed({ line, message: customer })
      else yield customer
    }
  } finally {
    lines.close()
  }
}

/** A customer, or why the line is not one. */
export function parseCustomer(text: string): CustomerProfile | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e))
      .replace(/, ".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position (\d+).*$/s, (_, at: string) => ` at column ${Number(at) + 1}`)
    return `invalid JSON: ${why}`
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`
  const id = (value as { id?: unknown }).id
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number')
    return 'the customer has no "id" (a non-empty string or a number)'
  return value as CustomerProfile
}
