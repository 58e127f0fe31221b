/** `parley rules validate <file>` and `parley rules schema`. */
import { formatIssues, ParleyError, rulesJsonSchema } from '@parley/core'
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes'
import { type Context, messageOf, println } from '../io'
import { readJsonFile } from '../json-file'
import { type ParsedCommand, usageError } from './args'
import {
  coreKind,
  detectKind,
  kindLabel,
  parseKind,
  RULE_FILE_KINDS,
  type RuleFileKind,
  validateAs,
} from './rule-kinds'

function kindOption(ctx: Context, value: string | undefined, topic: 'rules validate' | 'rules schema') {
  if (value === undefined) return { ok: true as const, kind: undefined }
  const kind = parseKind(value)
  if (kind) return { ok: true as const, kind }
  return {
    ok: false as const,
    code: usageError(ctx, topic, `unknown --kind "${value}"; use one of ${RULE_FILE_KINDS.join(', ')}`),
  }
}

/** Runs `parley rules validate`. */
export async function rulesValidate(ctx: Context, cmd: ParsedCommand): Promise<number> {
  const file = cmd.positionals[0]
  if (file === undefined) return usageError(ctx, 'rules validate', 'missing the file to validate')
  if (cmd.positionals.length > 1)
    return usageError(ctx, 'rules validate', `one file at a time; got ${cmd.positionals.length}`)
  const option = kindOption(ctx, cmd.string('kind'), 'rules validate')
  if (!option.ok) return option.code

  const read = await readJsonFile(ctx, file)
  if (!read.ok) {
    println(ctx.stderr, read.message)
    return EXIT_FAILURE
  }
  const kind: RuleFileKind | undefined = option.kind ?? detectKind(read.value)
  if (kind === undefined) {
    println(
      ctx.stderr,
      `${file}: cannot tell the kind of rule file: expected a JSON object with "rules" or "groups" at the top; pass --kind ${RULE_FILE_KINDS.join('|')}`,
    )
    return EXIT_FAILURE
  }
  try {
    const summary = validateAs(kind, read.value)
    println(ctx.stdout, `ok: ${file} is a valid ${kindLabel(kind)} (${summary})`)
    return EXIT_OK
  } catch (e) {
    if (e instanceof ParleyError && e.code === 'RULES_INVALID' && e.issues.length > 0) {
      println(ctx.stdout, formatIssues(e.issues))
      const n = e.issues.length
      println(ctx.stderr, `${file}: ${n} fault${n === 1 ? '' : 's'} in this ${kindLabel(kind)}`)
      return EXIT_FAILURE
    }
    println(ctx.stderr, `${file}: ${messageOf(e)}`)
    return EXIT_FAILURE
  }
}

/** Runs `parley rules schema`. */
export async function rulesSchema(ctx: Context, cmd: ParsedCommand): Promise<number> {
  if (cmd.positionals.length > 0)
    return usageError(ctx, 'rules schema', `unexpected argument "${cmd.positionals[0]}"`)
  const option = kindOption(ctx, cmd.string('kind'), 'rules schema')
  if (!option.ok) return option.code
  println(ctx.stdout, JSON.stringify(rulesJsonSchema(coreKind(option.kind ?? 'ruleset')), null, 2))
  return EXIT_OK
}
