import type { AnyStateMachine } from 'xstate'
import type { WorkflowDefinition } from './define-workflow'

// A structural view of an XState v5 machine's state nodes: what defineWorkflow, the testing kit
// and the diagram generator read of a machine, in one place. The barrel exports the structural
// types and the walks; the workflow-level queries stay internal to core.

/** The parts of an XState `StateNode` the kit reads. */
export interface StateNodeLike {
  readonly id: string
  readonly key: string
  readonly path: readonly string[]
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history'
  readonly states: Readonly<Record<string, StateNodeLike>>
  readonly parent?: StateNodeLike
  readonly on: Readonly<Record<string, readonly TransitionLike[]>>
  readonly always?: readonly TransitionLike[]
  readonly after?: readonly TransitionLike[]
  readonly initial?: { readonly target: readonly StateNodeLike[] }
}

/** The parts of an XState transition definition the kit reads. */
export interface TransitionLike {
  readonly eventType: string
  readonly target?: readonly StateNodeLike[]
  readonly guard?: unknown
}

/** The machine's root node. */
export function rootOf(machine: AnyStateMachine): StateNodeLike {
  return machine.root as unknown as StateNodeLike
}

/** `a.b` for a node; `''` for the root. */
export function pathOf(node: StateNodeLike): string {
  return node.path.join('.')
}

/** Every state node below the root, depth first in document order. */
export function allNodes(machine: AnyStateMachine): StateNodeLike[] {
  const out: StateNodeLike[] = []
  const visit = (n: StateNodeLike) => {
    for (const child of Object.values(n.states)) {
      out.push(child)
      visit(child)
    }
  }
  visit(rootOf(machine))
  return out
}

/** The node at a dotted state path, or undefined. */
export function nodeAt(machine: AnyStateMachine, path: string): StateNodeLike | undefined {
  let node: StateNodeLike | undefined = rootOf(machine)
  if (path === '') return node
  for (const key of path.split('.')) node = node?.states[key]
  return node
}

/** The node and its ancestors up to the root, innermost first. */
export function lineage(node: StateNodeLike): StateNodeLike[] {
  const out: StateNodeLike[] = []
  for (let n: StateNodeLike | undefined = node; n; n = n.parent) out.push(n)
  return out
}

/** The node and all nodes below it. */
export function subtree(node: StateNodeLike): StateNodeLike[] {
  const out = [node]
  for (const child of Object.values(node.states)) out.push(...subtree(child))
  return out
}

/** The atomic or final nodes that become active when a transition targets `node`. */
export function enteredLeaves(node: StateNodeLike): StateNodeLike[] {
  switch (node.type) {
    case 'atomic':
    case 'final':
      return [node]
    case 'parallel':
      return Object.values(node.states).flatMap(enteredLeaves)
    case 'history':
      // Over-approximation: history may restore any child of its parent.
      return node.parent
        ? Object.values(node.parent.states)
            .filter((n) => n !== node)
            .flatMap(enteredLeaves)
        : []
    default:
      return (node.initial?.target ?? []).flatMap(enteredLeaves)
  }
}

/** Every transition of one node: its events, eventless (`always`) and delayed (`after`). */
export function transitionsOf(node: StateNodeLike): TransitionLike[] {
  return [...Object.values(node.on).flat(), ...(node.always ?? []), ...(node.after ?? [])]
}

/** Deadline event types armed while `leaf` is active (declared on it or an ancestor). */
export function deadlineEventsAt(def: WorkflowDefinition, leaf: StateNodeLike): Set<string> {
  const out = new Set<string>()
  for (const n of lineage(leaf)) {
    for (const d of def.normalizedDeadlines.get(pathOf(n))?.values() ?? []) out.add(d.event)
  }
  return out
}

/** Every event type any declared deadline sends. */
export function allDeadlineEvents(def: WorkflowDefinition): Set<string> {
  const out = new Set<string>()
  for (const byName of def.normalizedDeadlines.values()) for (const d of byName.values()) out.add(d.event)
  return out
}

/** The outside event types handled by the node at `path`, its ancestors or its descendants. */
export function eventsHandledAt(def: WorkflowDefinition, path: string): string[] {
  const node = nodeAt(def.machine, path)
  if (!node) {
    throw new Error(
      `No state "${path}" in workflow ${def.id} (known: ${allNodes(def.machine).map(pathOf).join(', ')}).`,
    )
  }
  const handled = new Set<string>()
  for (const n of [...lineage(node), ...subtree(node)])
    for (const type of Object.keys(n.on)) handled.add(type)
  if (handled.has('*')) return Object.keys(def.events)
  return Object.keys(def.events).filter((t) => handled.has(t))
}
