/** `parley explain`: why a customer is or is not in a group, condition by condition. */
import type { CustomerProfile, GroupExplanation } from '@parley/core'
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes'
import { formatConditionTree, showValue } from '../format/condition-tree'
import { type Context, println } from '../io'
import { readJsonFile } from '../json-file'
import { type ParsedCommand, usageError } from './args'
import { loadSegmenter } from './load-groups'

/** Runs `parley explain`. */
export async function explain(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const groupsPath = cmd.string('groups')
  const customerPath = cmd.string('customer')
  if (groupsPath === undefined) return usageError(ctx, 'explain', 'missing --groups <groups.json>')
  if (customerPath === undefined) return usageError(ctx, 'explain', 'missing --customer <customer.json>')
  if (cmd.positionals.length > 0)
    return usageError(ctx, 'explain', `unexpected argument "${cmd.positionals[0]}"`)

  const segmenter = await loadSegmenter(ctx, groupsPath)
  if (!segmenter) return EXIT_FAILURE
  const read = await readJsonFile(ctx, customerPath)
  if (!read.ok) {
    println(ctx.stderr, read.message)
    return EXIT_FAILURE
  }
  const customer = read.value
  if (typeof customer !== 'object' || customer === null || Array.isArray(customer)) {
    println(
      ctx.stderr,
      `${customerPath}: expected one customer profile, a JSON object such as {"id": "c1", "amountSpent": 120}`,
    )
    return EXIT_FAILURE
  }

  const ids = segmenter.groups.map((g) => g.id)
  const wanted = cmd.string('group')
  if (wanted !== undefined && !ids.includes(wanted)) {
    println(ctx.stderr, `${groupsPath}: no group "${wanted}"; the groups are: ${ids.join(', ')}`)
    return EXIT_FAILURE
  }
  const explanations = (wanted === undefined ? ids : [wanted]).map((id) =>
    segmenter.explain(customer as CustomerProfile, id),
  )
  const id = (customer as { id?: unknown }).id
  println(ctx.stdout, `customer ${id === undefined ? '(no id)' : showValue(id)}`)
  for (const e of explanations) {
    println(ctx.stdout)
    println(ctx.stdout, formatExplanation(e))
  }
  return EXIT_OK
}

/** One group's explanation: a verdict line, then the condition tree. */
export function formatExplanation(e: GroupExplanation): string {
  const verdict = e.matched ? '✓ member' : '✗ not a member'
  const error = e.error === undefined ? '' : `\n  evaluation stopped: ${e.error}`
  return `group ${e.groupId} (${e.name}): ${verdict}${error}\n${formatConditionTree(e.conditions)}`
}
