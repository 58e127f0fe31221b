/** `parley diagram <workflow>`: the Mermaid state diagram of a built-in workflow. */
import type { WorkflowDefinition } from '@parley/core'
import { dispute, listingModeration, review, ticket, toMermaid } from '@parley/workflows'
import { type Context, println } from '../io'
import { EXIT_OK } from '../usage'
import { type ParsedCommand, usageError } from './args'

/** The built-in workflows with their default policy, by the name `parley diagram` takes. */
export const BUILTIN_WORKFLOWS: Readonly<Record<string, () => WorkflowDefinition>> = {
  ticket: () => ticket(),
  dispute: () => dispute(),
  listingModeration: () => listingModeration(),
  review: () => review(),
}

/** Runs `parley diagram`. */
export async function diagram(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const names = Object.keys(BUILTIN_WORKFLOWS).join(', ')
  const name = cmd.positionals[0]
  if (name === undefined) return usageError(ctx, 'diagram', `missing the workflow; one of ${names}`)
  if (cmd.positionals.length > 1) return usageError(ctx, 'diagram', 'one workflow at a time')
  const factory = Object.hasOwn(BUILTIN_WORKFLOWS, name) ? BUILTIN_WORKFLOWS[name] : undefined
  if (!factory) return usageError(ctx, 'diagram', `no built-in workflow "${name}"; one of ${names}`)
  println(ctx.stdout, toMermaid(factory()))
  return EXIT_OK
}
