/** `parley diagram <workflow>`: the Mermaid state diagram of a built-in workflow. */
import type { WorkflowDefinition } from '@parley/core'
import * as workflows from '@parley/workflows'
import { type Context, println } from '../io'
import { workflowToMermaid } from '../mermaid'
import { EXIT_OK } from '../usage'
import { type ParsedCommand, usageError } from './args'

/** The built-in workflows, by the name `parley diagram` takes (the workflow's own name). */
export const BUILTIN_WORKFLOWS = ['ticket', 'dispute', 'listingModeration', 'review'] as const

// Looked up by name at run time: a factory or `toMermaid` that the workflows package does not
// export (yet) is reported or replaced instead of failing the build of the CLI.
const library = workflows as unknown as Record<string, unknown>

type Factory = () => WorkflowDefinition
type ToMermaid = (workflow: WorkflowDefinition) => string

/** The factories of the built-in workflows that `@parley/workflows` exports. */
export function availableWorkflows(): Map<string, Factory> {
  const out = new Map<string, Factory>()
  for (const name of BUILTIN_WORKFLOWS) {
    const factory = library[name]
    if (typeof factory === 'function') out.set(name, factory as Factory)
  }
  return out
}

/** The Mermaid diagram of a workflow: the workflows package's generator when it has one. */
export function mermaidOf(workflow: WorkflowDefinition): string {
  const own = library.toMermaid
  return typeof own === 'function' ? (own as ToMermaid)(workflow) : workflowToMermaid(workflow)
}

/** Runs `parley diagram`. */
export async function diagram(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const available = availableWorkflows()
  const names = [...available.keys()].join(', ')
  const name = cmd.positionals[0]
  if (name === undefined) return usageError(ctx, 'diagram', `missing the workflow; one of ${names}`)
  if (cmd.positionals.length > 1) return usageError(ctx, 'diagram', 'one workflow at a time')
  const factory = available.get(name)
  if (!factory) return usageError(ctx, 'diagram', `no built-in workflow "${name}"; one of ${names}`)
  println(ctx.stdout, mermaidOf(factory()))
  return EXIT_OK
}
