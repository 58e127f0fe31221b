/**
 * The stable error codes of Parley. Callers branch on `code`, never on `message`.
 *
 * - `VALIDATION`: an input or event payload failed its schema; `issues` hold the paths.
 * - `FORBIDDEN`: the actor's role may not send this event, or the actor is not a party of the case.
 * - `NOT_FOUND`: no case with that id.
 * - `EVENT_NOT_ALLOWED`: a valid event that the case's current state does not accept.
 * - `CONFLICT`: the case version moved (optimistic concurrency) or a key was reused for another request.
 * - `UNKNOWN_WORKFLOW`: no workflow with that name (and version) is registered on the engine.
 * - `RULES_INVALID`: a rule file failed validation; `issues` hold JSON paths.
 * - `CASE_CORRUPT`: a stored case (snapshot, row) cannot be read back by its workflow.
 * - `WORKFLOW_FAILED`: the workflow's own code threw while handling an event; nothing was written.
 * - `STORE_FAILED`: the store failed for a reason other than a version conflict.
 * - `TRANSPORT_FAILED`: a broker (NATS JetStream) refused or could not be reached.
 */
export type ParleyErrorCode =
  | 'VALIDATION'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'EVENT_NOT_ALLOWED'
  | 'CONFLICT'
  | 'UNKNOWN_WORKFLOW'
  | 'RULES_INVALID'
  | 'CASE_CORRUPT'
  | 'WORKFLOW_FAILED'
  | 'STORE_FAILED'
  | 'TRANSPORT_FAILED'

/** A path into the faulty value: object keys and array indexes, as zod reports them. */
export type IssuePath = ReadonlyArray<string | number>

/**
 * One fault, as data. `code` is a machine-readable kind (zod's issue codes for schema faults,
 * Parley's own for others), `path` points into the input, `message` is for humans.
 */
export interface ParleyIssue {
  readonly code: string
  readonly path: IssuePath
  readonly message: string
  /** Extra structured fields (expected type, allowed values, ...). */
  readonly [field: string]: unknown
}

/** Options of the {@link ParleyError} constructor. */
export interface ParleyErrorOptions {
  /** Structured faults; defaults to none. */
  issues?: ParleyIssue[]
  /** The error this one wraps. */
  cause?: unknown
  /** Structured details for the caller (case id, versions, ...). */
  details?: Record<string, unknown>
}

/**
 * The one error class Parley throws for anything a caller did or can act upon.
 *
 * @example
 * try { await engine.send(id, event, { actor }) }
 * catch (e) { if (ParleyError.is(e, 'CONFLICT')) retry() }
 */
export class ParleyError extends Error {
  override readonly name = 'ParleyError'
  readonly code: ParleyErrorCode
  readonly issues: ParleyIssue[]
  readonly details: Record<string, unknown>

  constructor(code: ParleyErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.issues = options.issues ?? []
    this.details = options.details ?? {}
  }

  /** True when `error` is a ParleyError, optionally of the given code. */
  static is(error: unknown, code?: ParleyErrorCode): error is ParleyError {
    return error instanceof ParleyError && (code === undefined || error.code === code)
  }

  /** A plain JSON form, for logs and HTTP responses. */
  toJSON(): { name: string; code: ParleyErrorCode; message: string; issues: ParleyIssue[] } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues }
  }
}

/** Minimal structural view of a zod error, so this file does not depend on zod's classes. */
interface ZodLikeIssue {
  readonly code: string
  readonly path: readonly PropertyKey[]
  readonly message: string
}

/** Converts zod issues into Parley issues, prefixing each path with `prefix`. */
export function fromZodIssues(issues: readonly ZodLikeIssue[], prefix: IssuePath = []): ParleyIssue[] {
  return issues.map((issue) => {
    // `input` is dropped: it may hold large or sensitive values the caller already has.
    const { code, path, message, input: _input, ...rest } = issue as ZodLikeIssue & { input?: unknown }
    return {
      ...rest,
      code,
      message,
      path: [...prefix, ...path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    }
  })
}

/** Formats issues one per line as `path: message`, the form the CLI prints. */
export function formatIssues(issues: readonly ParleyIssue[]): string {
  return issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n')
}

/** `['rules', 0, 'conditions']` → `rules[0].conditions`; the empty path is `(root)`. */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return '(root)'
  let out = ''
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`
    else out += `[${JSON.stringify(p)}]`
  }
  return out
}
