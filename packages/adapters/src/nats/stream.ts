import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import { ParleyError } from '@parley/core'

/** Where a relay or consumer gets its NATS connection: one you own, or servers to dial. */
export type ConnectionSource =
  | {
      /**
       * A connection you opened and close yourself. Open it with `noAsyncTraces: true`: with
       * async traces on, nats.js builds an Error per request, a relay's largest CPU cost.
       */
      connection: NatsConnection
      servers?: never
    }
  | {
      connection?: never
      /** Servers to dial (`nats://127.0.0.1:4222`, or several); the caller that dials owns and closes it. */
      servers: string | string[]
    }

/** Options of the JetStream stream that holds domain events. */
export interface StreamOptions {
  /** Stream name; @default 'PARLEY' */
  stream?: string
  /**
   * How long JetStream remembers a `Nats-Msg-Id` to drop a re-publish. A row re-published
   * after this window reaches consumers twice: keep it well above the relay's `leaseMs`.
   * @default 120_000 (JetStream's own default)
   */
  duplicateWindowMs?: number
  /**
   * Create the stream when missing (subjects `${subjectPrefix}.>`). Set to `false` when the
   * stream is provisioned by operations; the relay then only checks that it exists.
   * @default true
   */
  ensureStream?: boolean
}

/** Default stream name. */
export const DEFAULT_STREAM = 'PARLEY'
/** Default subject prefix. */
export const DEFAULT_PREFIX = 'parley'

/** The subject of a domain event type: `${prefix}.${type}` (`parley.dispute.escalated`). */
export function subjectOf(prefix: string, type: string): string {
  return `${prefix}.${type}`
}

/** Opens a connection to `servers` with the node transport, imported on first use. */
export async function dial(servers: string | string[], name: string): Promise<NatsConnection> {
  const { connect } = await import('@nats-io/transport-node')
  // No async traces: each request would otherwise build an Error up front for its stack, the
  // largest CPU cost of a relay round; the relay reports publish errors without them.
  return connect({ servers, name, maxReconnectAttempts: -1, noAsyncTraces: true })
}

/**
 * Makes sure the stream exists and captures `${prefix}.>`: creates it when missing (unless
 * `ensure` is false), adds the subject to an existing stream that lacks it.
 * @throws ParleyError `TRANSPORT_FAILED` when the stream is missing and may not be created.
 */
export async function ensureDomainStream(
  jsm: JetStreamManager,
  name: string,
  prefix: string,
  duplicateWindowMs: number,
  ensure: boolean,
): Promise<StreamInfo> {
  const subject = `${prefix}.>`
  let info: StreamInfo | null = null
  try {
    info = await jsm.streams.info(name)
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  if (info) {
    if (info.config.subjects?.includes(subject) || !ensure) return info
    return jsm.streams.update(name, { subjects: [...(info.config.subjects ?? []), subject] })
  }
  if (!ensure)
    throw new ParleyError(
      'TRANSPORT_FAILED',
      `JetStream stream "${name}" does not exist. Create it with subjects "${subject}", or pass ensureStream: true.`,
    )
  return jsm.streams.add({ name, subjects: [subject], duplicate_window: duplicateWindowMs * 1_000_000 })
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: number; message?: string } | null
  return e?.name === 'StreamNotFoundError' || e?.code === 10059 || /stream not found/i.test(e?.message ?? '')
}
