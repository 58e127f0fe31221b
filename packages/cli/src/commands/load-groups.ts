/** Loads a customer-groups file for `segment` and `explain`, reporting its faults with their paths. */
import { createSegmenter, formatIssues, type GroupsFile, ParleyError, type Segmenter } from '@parley/core'
import { type Context, messageOf, println } from '../io'
import { readJsonFile } from '../json-file'

/** The compiled groups file, or `undefined` after printing why it could not be loaded. */
export async function loadSegmenter(ctx: Context, file: string): Promise<Segmenter | undefined> {
  const read = await readJsonFile(ctx, file)
  if (!read.ok) {
    println(ctx.stderr, read.message)
    return undefined
  }
  try {
    return createSegmenter(read.value as GroupsFile, { clock: ctx.clock })
  } catch (e) {
    if (e instanceof ParleyError && e.code === 'RULES_INVALID' && e.issues.length > 0) {
      println(ctx.stderr, `${file}: invalid customer-groups file (run "parley rules validate ${file}"):`)
      println(ctx.stderr, formatIssues(e.issues))
    } else println(ctx.stderr, `${file}: ${messageOf(e)}`)
    return undefined
  }
}
