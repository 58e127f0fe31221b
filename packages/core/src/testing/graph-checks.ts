import type { WorkflowDefinition } from '../index'
import {
  allDeadlineEvents,
  allNodes,
  deadlineEventsAt,
  enteredLeaves,
  lineage,
  nodeAt,
  pathOf,
  rootOf,
  type StateNodeLike,
  subtree,
} from '../workflow/machine-graph'

/**
 * What a graph finding is about:
 * - `unreachable-state`: no sequence of events and deadlines enters the state from the initial one.
 * - `no-exit`: a reachable non-final state that no event or deadline leaves (the case is stuck).
 * - `unused-event`: an event declared in `events` that no state handles (sending it always fails).
 * - `missing-deadline`: a state reacts to a deadline event it never arms, or a state listed in
 *   `expectDeadlines` declares no deadline.
 * - `unhandled-deadline`: a declared deadline whose event its state does not handle (it fires for
 *   nothing and is dropped).
 * - `unsendable-event`: a state handles an event type that is neither declared nor a deadline.
 * - `delayed-transition`: XState `after` is used; its timers are lost when a case is stored.
 */
export type GraphFindingKind =
  | 'unreachable-state'
  | 'no-exit'
  | 'unused-event'
  | 'missing-deadline'
  | 'unhandled-deadline'
  | 'unsendable-event'
  | 'delayed-transition'

/** One problem in a workflow's state graph. */
export interface GraphFinding {
  readonly kind: GraphFindingKind
  /** The state path concerned, when there is one. */
  readonly state?: string
  /** The event type concerned, when there is one. */
  readonly event?: string
  /** What is wrong and what to do about it. */
  readonly message: string
}

/** Options of {@link checkWorkflowGraph}. */
export interface GraphCheckOptions {
  /**
   * States the workflow promises a deadline in (a party is waited on): each must declare one,
   * itself or on an ancestor. A function receives each non-final state path.
   */
  readonly expectDeadlines?: readonly string[] | ((state: string) => boolean)
  /** Finding kinds to leave out of the report (say why in a comment where you call it). */
  readonly ignore?: readonly GraphFindingKind[]
}

const isInternal = (type: string) => type.startsWith('xstate.') || type === ''

/**
 * Checks a workflow's state graph without running it: reachability, exits, declared events that
 * nothing handles, deadlines declared and handled, and `after` timers. Guards are ignored (every
 * guarded transition counts as possible), so a finding is always a real fault of the graph.
 * @returns the findings, empty when the graph is sound: `expect(checkWorkflowGraph(wf)).toEqual([])`
 * @example
 * const findings = checkWorkflowGraph(returns(), { expectDeadlines: ['requested', 'inTransit'] })
 */
export function checkWorkflowGraph(def: WorkflowDefinition, options: GraphCheckOptions = {}): GraphFinding[] {
  const findings: GraphFinding[] = []
  const outside = new Set(Object.keys(def.events))
  const deadlineEvents = allDeadlineEvents(def)
  const nodes = allNodes(def.machine)

  // Which transitions can fire while `leaf` is active: outside events, its armed deadlines, eventless.
  const fireable = (leaf: StateNodeLike, type: string) =>
    outside.has(type) || isInternal(type) || type === '*' || deadlineEventsAt(def, leaf).has(type)
  const transitionsAt = (leaf: StateNodeLike) =>
    lineage(leaf).flatMap((n) => [
      ...Object.entries(n.on).flatMap(([type, ts]) => (fireable(leaf, type) ? ts : [])),
      ...(n.always ?? []),
    ])

  // Reachability over leaves, from the initial configuration.
  const reached = new Set<StateNodeLike>()
  const queue = enteredLeaves(rootOf(def.machine))
  while (queue.length > 0) {
    const leaf = queue.pop()!
    if (reached.has(leaf)) continue
    reached.add(leaf)
    if (leaf.type === 'final') continue
    for (const t of transitionsAt(leaf))
      for (const target of t.target ?? []) queue.push(...enteredLeaves(target))
  }
  const reachable = new Set<StateNodeLike>()
  for (const leaf of reached) for (const n of lineage(leaf)) reachable.add(n)
  for (const n of nodes) {
    if (reachable.has(n) || (n.parent && !reachable.has(n.parent) && n.parent.parent)) continue
    if (n.type === 'history') continue
    findings.push({
      kind: 'unreachable-state',
      state: pathOf(n),
      message: `State "${pathOf(n)}" cannot be reached from the initial state: add a transition to it or remove it.`,
    })
  }

  // Exits: a reachable non-final leaf must be left by some event or deadline. Inside parallel
  // regions the unit is the outermost parallel state: some region must lead out of it.
  const outermostParallel = (n: StateNodeLike) =>
    lineage(n)
      .filter((a) => a.type === 'parallel')
      .pop()
  const checked = new Set<StateNodeLike>()
  for (const leaf of reached) {
    if (leaf.type !== 'atomic') continue
    const unit = outermostParallel(leaf) ?? leaf
    if (checked.has(unit)) continue
    checked.add(unit)
    const inside = new Set(subtree(unit))
    const leavesOfUnit = [...reached].filter((l) => inside.has(l))
    const exits = leavesOfUnit.some((l) =>
      transitionsAt(l).some((t) =>
        (t.target ?? []).flatMap(enteredLeaves).some((target) => !inside.has(target)),
      ),
    )
    if (!exits) {
      findings.push({
        kind: 'no-exit',
        state: pathOf(unit),
        message: `State "${pathOf(unit)}" is not final but no event or deadline leaves it: a case there is stuck. Add an exit (an event a party may send, or a deadline) or mark it final.`,
      })
    }
  }

  // Declared events nobody handles.
  const handled = new Set(nodes.flatMap((n) => Object.keys(n.on)))
  for (const type of Object.keys(rootOf(def.machine).on)) handled.add(type)
  if (!handled.has('*')) {
    for (const type of outside) {
      if (handled.has(type)) continue
      findings.push({
        kind: 'unused-event',
        event: type,
        message: `Event "${type}" is declared but no state handles it: every send is refused. Handle it in a state or remove it from \`events\`.`,
      })
    }
  }

  // Deadline events handled where they are never armed, and events nobody can send.
  for (const n of [rootOf(def.machine), ...nodes]) {
    for (const type of Object.keys(n.on)) {
      if (outside.has(type) || isInternal(type) || type === '*') continue
      const armedBelow = subtree(n).some((d) => deadlineEventsAt(def, d).has(type))
      if (armedBelow) continue
      const where = pathOf(n) || '(root)'
      findings.push(
        deadlineEvents.has(type)
          ? {
              kind: 'missing-deadline',
              state: pathOf(n),
              event: type,
              message: `State "${where}" handles deadline event "${type}" but declares no deadline that sends it there: it can never fire. Add it to \`deadlines["${pathOf(n)}"]\`.`,
            }
          : {
              kind: 'unsendable-event',
              state: pathOf(n),
              event: type,
              message: `State "${where}" handles "${type}", which is neither a declared event nor a deadline: nobody can send it. Declare it in \`events\` or \`deadlines\`.`,
            },
      )
    }
    if ((n.after ?? []).length > 0) {
      findings.push({
        kind: 'delayed-transition',
        state: pathOf(n),
        message: `State "${pathOf(n) || '(root)'}" uses XState \`after\`, whose timers are lost when a case is stored. Declare a deadline instead.`,
      })
    }
  }

  // Declared deadlines whose event their state does not handle.
  for (const [state, byName] of def.normalizedDeadlines) {
    const node = nodeAt(def.machine, state)
    if (!node) continue
    const types = new Set([...lineage(node), ...subtree(node)].flatMap((n) => Object.keys(n.on)))
    for (const d of byName.values()) {
      if (types.has(d.event) || types.has('*')) continue
      findings.push({
        kind: 'unhandled-deadline',
        state,
        event: d.event,
        message: `Deadline "${d.name}" of state "${state}" sends "${d.event}", which the state does not handle: it fires for nothing. Handle "${d.event}" in "${state}" or remove the deadline.`,
      })
    }
  }

  // States the workflow promises a deadline in.
  const expect = options.expectDeadlines
  if (expect) {
    const wanted = typeof expect === 'function' ? (s: string) => expect(s) : (s: string) => expect.includes(s)
    for (const n of nodes) {
      const state = pathOf(n)
      if (n.type === 'final' || !wanted(state)) continue
      const has = lineage(n).some((a) => (def.normalizedDeadlines.get(pathOf(a))?.size ?? 0) > 0)
      if (has) continue
      findings.push({
        kind: 'missing-deadline',
        state,
        message: `State "${state}" is expected to have a deadline but declares none: a case could wait there forever. Add one to \`deadlines["${state}"]\`.`,
      })
    }
    if (Array.isArray(expect)) {
      for (const state of expect) {
        if (nodeAt(def.machine, state)) continue
        throw new Error(
          `checkWorkflowGraph: expectDeadlines names "${state}", which is no state of ${def.id}.`,
        )
      }
    }
  }

  const ignored = new Set(options.ignore ?? [])
  return findings.filter((f) => !ignored.has(f.kind))
}
