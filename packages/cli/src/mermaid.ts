/**
 * A Mermaid `stateDiagram-v2` drawn from a workflow's XState machine. Used by `parley diagram`
 * while `@parley/workflows` does not export its own `toMermaid`; it reads only the public state
 * node shape (`states`, `on`, `always`, `initial`, `type`), so it works for any workflow.
 */
import type { WorkflowDefinition } from '@parley/core'

/** The parts of an XState v5 state node this module reads. */
interface StateNodeLike {
  readonly key: string
  readonly id: string
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history'
  readonly states: Record<string, StateNodeLike>
  readonly initial?: { readonly target: readonly StateNodeLike[] }
  readonly on: Record<string, readonly TransitionLike[]>
  readonly always?: readonly TransitionLike[]
}

interface TransitionLike {
  readonly eventType: string
  readonly target?: readonly StateNodeLike[]
  readonly guard?: unknown
}

/** A Mermaid state id: dots (nested ids) are not allowed. */
const idOf = (node: StateNodeLike) => node.id.replace(/[^A-Za-z0-9_]/g, '_')

function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard
  if (typeof guard === 'object' && guard !== null && typeof (guard as { type?: unknown }).type === 'string')
    return (guard as { type: string }).type
  return undefined
}

function edgeLabel(event: string, guard: unknown): string {
  const name = guardName(guard)
  return name === undefined ? event : `${event} [${name}]`
}

/**
 * The Mermaid diagram of a workflow: states (nested for compound states), transitions labelled
 * with their event and guard, `[*]` for the initial and final states. Transitions that stay in
 * the same state without re-entering it (posting a message) are left out: they do not move the case.
 * @example
 * console.log(workflowToMermaid(dispute()))
 */
export function workflowToMermaid(workflow: Pick<WorkflowDefinition, 'name' | 'machine'>): string {
  const root = (workflow.machine as unknown as { root: StateNodeLike }).root
  const lines = ['stateDiagram-v2', `  %% ${workflow.name}`]
  const edges: string[] = []

  const visit = (node: StateNodeLike, indent: string) => {
    const children = Object.values(node.states)
    const initial = node.initial?.target[0]
    if (initial) lines.push(`${indent}[*] --> ${idOf(initial)}`)
    for (const child of children) {
      if (child.key !== idOf(child)) lines.push(`${indent}state "${child.key}" as ${idOf(child)}`)
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state ${idOf(child)} {`)
        visit(child, `${indent}  `)
        lines.push(`${indent}}`)
      }
      if (child.type === 'final') lines.push(`${indent}${idOf(child)} --> [*]`)
    }
    for (const child of children) {
      for (const [event, transitions] of Object.entries(child.on)) {
        for (const t of transitions) {
          for (const target of t.target ?? [])
            edges.push(`  ${idOf(child)} --> ${idOf(target)} : ${edgeLabel(event, t.guard)}`)
        }
      }
      for (const t of child.always ?? []) {
        for (const target of t.target ?? [])
          edges.push(`  ${idOf(child)} --> ${idOf(target)} : ${edgeLabel('(auto)', t.guard)}`)
      }
    }
  }
  visit(root, '  ')
  return [...lines, ...edges].join('\n')
}
