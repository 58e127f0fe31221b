/** `parley diagram <workflow>`: the Mermaid state diagram of a built-in workflow. */
import { toMermaid, workflowCatalog } from '@parley/workflows'
import { EXIT_OK } from '../exit-codes'
import { type Context, println } from '../io'
import { type ParsedCommand, usageError } from './args'

/** Runs `parley diagram`. The workflows are those of the workflows package's catalog, default policies. */
export async function diagram(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const catalog = workflowCatalog()
  const names = catalog.map((e) => e.name).join(', ')
  const name = cmd.positionals[0]
  if (name === undefined) return usageError(ctx, 'diagram', `missing the workflow; one of ${names}`)
  if (cmd.positionals.length > 1) return usageError(ctx, 'diagram', 'one workflow at a time')
  const entry = catalog.find((e) => e.name === name)
  if (!entry) return usageError(ctx, 'diagram', `no built-in workflow "${name}"; one of ${names}`)
  println(ctx.stdout, toMermaid(entry.workflow).trimEnd())
  return EXIT_OK
}
