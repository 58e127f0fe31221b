import type { Actor } from '../index'
import type { WorkflowCommand } from './arbitraries'

/** What happened when one command ran. */
export type StepOutcome =
  | {
      readonly kind: 'accepted'
      readonly from: string | null
      readonly to: string
      readonly version: number
      readonly emitted: readonly string[]
    }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string }
  | { readonly kind: 'clock'; readonly now: number }
  | {
      readonly kind: 'fired'
      readonly now: number
      readonly firings: readonly {
        readonly type: string
        readonly from: string | null
        readonly to: string
        readonly seq: number
      }[]
    }
  | { readonly kind: 'replayed'; readonly of: number; readonly version: number }
  | { readonly kind: 'idle'; readonly note: string }
  | { readonly kind: 'error'; readonly message: string }

/** The event a command sent, once resolved (a `step` picks its event when it runs). */
export interface SentEvent {
  readonly actor: Actor
  readonly type: string
  readonly payload: unknown
  readonly expectedVersion?: number
}

/** One line of a transcript: the command, what it sent, and what came of it. */
export interface TranscriptStep {
  /** 0 for the opening of the case, then 1, 2, ... */
  readonly index: number
  /** Absent for the opening. */
  readonly command?: WorkflowCommand
  readonly sent?: SentEvent
  readonly outcome: StepOutcome
}

const MAX_PAYLOAD = 160

/** A payload as one short line of JSON. */
export function formatPayload(payload: unknown): string {
  let text: string
  try {
    text = JSON.stringify(payload, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined'
  } catch {
    text = String(payload)
  }
  if (typeof payload === 'number' && !Number.isFinite(payload)) text = String(payload)
  return text.length > MAX_PAYLOAD ? `${text.slice(0, MAX_PAYLOAD)}… (${text.length} chars)` : text
}

const who = (a: Actor) => `${a.role} ${a.id}`

function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1000, 's'],
  ]
  const parts: string[] = []
  let rest = ms
  for (const [size, unit] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`)
  return parts.join(' ')
}

/** What a command asked for, before it ran. */
export function formatCommand(command: WorkflowCommand): string {
  switch (command.kind) {
    case 'send':
      return `${who(command.actor)} sends ${command.type || '""'} ${formatPayload(command.payload)}${command.stale ? ' with a stale expectedVersion' : ''}${command.valid ? '' : ' (invalid)'}`
    case 'step':
      return `an allowed event (pick ${command.pick}, seed ${command.seed}${command.moves ? ', moves' : ''})`
    case 'advance':
      return `clock +${formatDuration(command.ms)}`
    case 'runDeadlines':
      return 'run due deadlines'
    case 'skipToDeadline':
      return 'jump to the next deadline and run it'
    case 'retry':
      return 'retry the last accepted send with its idempotency key'
  }
}

function formatOutcome(outcome: StepOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return `✓ ${outcome.from ?? '∅'} → ${outcome.to} (v${outcome.version})${outcome.emitted.length > 0 ? ` emits ${outcome.emitted.join(', ')}` : ''}`
    case 'refused':
      return `✗ ${outcome.code}: ${outcome.message}`
    case 'clock':
      return `now ${new Date(outcome.now).toISOString()}`
    case 'fired':
      return outcome.firings.length === 0
        ? `nothing due at ${new Date(outcome.now).toISOString()}`
        : `at ${new Date(outcome.now).toISOString()} fired ${outcome.firings.map((f) => `${f.type} ✓ ${f.from} → ${f.to} (v${f.seq})`).join(', ')}`
    case 'replayed':
      return `↺ replayed step ${outcome.of} (v${outcome.version}), nothing written`
    case 'idle':
      return `(${outcome.note})`
    case 'error':
      return `!! ${outcome.message}`
  }
}

/** One transcript line. */
export function formatStep(step: TranscriptStep): string {
  const n = String(step.index).padStart(3, ' ')
  if (!step.command) {
    const sent = step.sent
    return `${n}. open${sent ? ` by ${who(sent.actor)} with ${formatPayload(sent.payload)}` : ''}  ${formatOutcome(step.outcome)}`
  }
  const { command, sent } = step
  // Show who really sent it: steps pick their sender, sends may name parties by placeholder.
  const head =
    command.kind === 'step' && sent
      ? `${who(sent.actor)} sends ${sent.type} ${formatPayload(sent.payload)} [step]`
      : command.kind === 'send' && sent
        ? formatCommand({ ...command, actor: sent.actor })
        : formatCommand(command)
  return `${n}. ${head}  ${formatOutcome(step.outcome)}`
}

/**
 * A readable transcript of a run: one numbered line per command with what it sent and what came
 * of it (new state and version, the refusal's code, deadlines fired).
 * @example
 *   0. open by buyer b1 with {"amount":40}  ✓ ∅ → requested (v1)
 *   1. seller s1 sends approve {} [step]  ✓ requested → awaitingShipment (v2)
 *   2. clock +3d  now 2026-01-04T00:00:00.000Z
 */
export function formatTranscript(steps: readonly TranscriptStep[]): string {
  return steps.map(formatStep).join('\n')
}
