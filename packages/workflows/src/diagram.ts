import {
  type StateNodeLike as Node,
  pathOf,
  rootOf,
  type TransitionLike as Transition,
  type WorkflowDefinition,
} from '@parley/core'

/** One edge of a workflow's state graph, between leaf states. */
export interface StateEdge {
  /** Dotted path of the source state. */
  readonly from: string
  /** Dotted path of the target state. */
  readonly to: string
  /** Event type; `''` for an eventless (automatic) transition. */
  readonly event: string
  /** Guard name (with params), when the transition is guarded. */
  readonly guard: string | null
}

/** The state graph of a workflow, leaf states only: what the diagram draws and the exit checks walk. */
export interface StateGraph {
  /** Dotted path of the state a new case starts in. */
  readonly initial: string
  /** Every leaf state's dotted path, with whether it is final. */
  readonly states: ReadonlyArray<{ readonly path: string; readonly final: boolean }>
  readonly edges: readonly StateEdge[]
}

/** A compound state stands for the leaf it starts in. */
function leafOf(node: Node): Node {
  const next = node.initial?.target?.[0]
  return next && next !== node ? leafOf(next) : node
}

function leaves(node: Node): Node[] {
  const children = Object.values(node.states)
  if (children.length === 0) return [node]
  return children.flatMap(leaves)
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null
  if (typeof guard === 'string') return guard
  if (typeof guard === 'object' && 'type' in guard) {
    const g = guard as { type: string; params?: unknown }
    const params = g.params && typeof g.params === 'object' ? Object.values(g.params).join(',') : ''
    return params ? `${g.type}:${params}` : g.type
  }
  return 'guard'
}

/**
 * Reads the state graph of a workflow's machine: leaf states, and for each one the transitions it
 * takes (its own, or the nearest ancestor's for the same event), targets resolved to leaves.
 * Transitions without a target (or back to the same leaf) are left out: they do not change state.
 */
export function stateGraph(workflow: WorkflowDefinition): StateGraph {
  const root = rootOf(workflow.machine)
  const states = leaves(root).map((n) => ({ path: pathOf(n), final: n.type === 'final' }))
  const edges: StateEdge[] = []
  const seen = new Set<string>()
  for (const leaf of leaves(root)) {
    const byEvent = new Map<string, readonly Transition[]>()
    for (let n: Node | undefined = leaf; n; n = n.parent) {
      for (const [event, list] of Object.entries(n.on)) if (!byEvent.has(event)) byEvent.set(event, list)
      if (n.always?.length && !byEvent.has('')) byEvent.set('', n.always)
    }
    for (const [event, list] of byEvent) {
      for (const t of list) {
        const target = t.target?.[0]
        if (!target) continue
        const to = pathOf(leafOf(target))
        if (to === pathOf(leaf)) continue
        const edge = { from: pathOf(leaf), to, event, guard: guardName(t.guard) }
        const key = JSON.stringify(edge)
        if (!seen.has(key)) {
          seen.add(key)
          edges.push(edge)
        }
      }
    }
  }
  return { initial: pathOf(leafOf(root)), states, edges }
}

const id = (path: string) => path.replace(/\./g, '_')

/**
 * A Mermaid `stateDiagram-v2` of a workflow, generated from its machine. Nested states are drawn
 * flat under their dotted path; deadline firings are marked with ⏱; eventless transitions show
 * their guard.
 * @example
 * writeFileSync('dispute.mmd', toMermaid(dispute()))
 */
export function toMermaid(workflow: WorkflowDefinition): string {
  const graph = stateGraph(workflow)
  const deadlineEvents = new Set<string>()
  for (const byName of workflow.normalizedDeadlines.values())
    for (const d of byName.values()) deadlineEvents.add(d.event)
  const lines = ['stateDiagram-v2']
  for (const s of graph.states) if (s.path.includes('.')) lines.push(`  state "${s.path}" as ${id(s.path)}`)
  lines.push(`  [*] --> ${id(graph.initial)}`)
  for (const e of graph.edges) {
    const name = e.event === '' ? 'auto' : deadlineEvents.has(e.event) ? `⏱ ${e.event}` : e.event
    const label = e.guard ? `${name} [${e.guard}]` : name
    lines.push(`  ${id(e.from)} --> ${id(e.to)} : ${label}`)
  }
  for (const s of graph.states) if (s.final) lines.push(`  ${id(s.path)} --> [*]`)
  return `${lines.join('\n')}\n`
}
