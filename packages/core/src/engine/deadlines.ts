import type { CaseTimers, DeadlineRecord } from '../model/case'
import type { WorkflowDefinition } from '../workflow/define-workflow'

/** What a step does to a case's deadlines. */
export interface DeadlinePlan {
  readonly timers: CaseTimers
  readonly upsert: DeadlineRecord[]
  readonly cancel: string[]
}

/**
 * Deadlines are a function of the active states, when each was entered, and the context:
 * states entered by this step start their clocks now; states left drop their deadlines and
 * fired marks; a deadline already fired at the same due time is not re-armed.
 */
export function planDeadlines(
  def: WorkflowDefinition,
  caseId: string,
  prev: CaseTimers | null,
  active: readonly string[],
  context: unknown,
  now: number,
  firedNow?: { name: string; dueAt: number },
): DeadlinePlan {
  const enteredAt: Record<string, number> = {}
  for (const path of active) enteredAt[path] = prev?.enteredAt[path] ?? now
  const fired: Record<string, number> = {}
  const armed: Record<string, number> = {}
  const upsert: DeadlineRecord[] = []
  const prevArmed = prev?.armed ?? {}
  for (const path of active) {
    const byName = def.normalizedDeadlines.get(path)
    if (!byName) continue
    for (const d of byName.values()) {
      const wasFired = firedNow?.name === d.name ? firedNow.dueAt : prev?.fired[d.name]
      const dueAt = d.due({ context, enteredAt: enteredAt[path]! })
      if (wasFired !== undefined) fired[d.name] = wasFired
      if (dueAt === null || dueAt === wasFired) continue
      armed[d.name] = dueAt
      if (prevArmed[d.name] !== dueAt || firedNow?.name === d.name) {
        upsert.push({ caseId, name: d.name, event: d.event, dueAt })
      }
    }
  }
  const cancel = Object.keys(prevArmed).filter((name) => !(name in armed) && name !== firedNow?.name)
  return { timers: { enteredAt, armed, fired }, upsert, cancel }
}
