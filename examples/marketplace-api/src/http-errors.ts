import { ParleyError, type ParleyErrorCode } from '@parley/core'

/** The HTTP status for each Parley error code. */
export const STATUS: Record<ParleyErrorCode, 400 | 403 | 404 | 409 | 412 | 422 | 500 | 503> = {
  VALIDATION: 422,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  EVENT_NOT_ALLOWED: 409,
  CONFLICT: 412,
  UNKNOWN_WORKFLOW: 404,
  RULES_INVALID: 422,
  CASE_CORRUPT: 500,
  WORKFLOW_FAILED: 500,
  STORE_FAILED: 503,
  TRANSPORT_FAILED: 503,
}

/** Converts anything thrown into a status and a JSON body; unknown errors are 500s without details. */
export function toHttpError(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof ParleyError) return { status: STATUS[error.code], body: { error: error.toJSON() } }
  if (error instanceof SyntaxError) {
    return {
      status: 400,
      body: { error: { code: 'BAD_JSON', message: 'The request body is not valid JSON.' } },
    }
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error' } } }
}
