/** `run`: the whole `parley` command as a function of its arguments and streams. */
import { type OptionSpec, type ParsedCommand, parseCommand, usageError } from './commands/args'
import { diagram } from './commands/diagram'
import { explain } from './commands/explain'
import { rulesSchema, rulesValidate } from './commands/rules'
import { segment } from './commands/segment'
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes'
import { type Context, messageOf, println, type RunIo, toContext } from './io'
import { type UsageTopic, usages } from './usage'

interface Command {
  readonly options: OptionSpec
  readonly run: (ctx: Context, cmd: ParsedCommand) => Promise<number>
}

const kind: OptionSpec = { kind: { type: 'string' } }

const commands: Record<Exclude<UsageTopic, 'main' | 'rules'>, Command> = {
  'rules validate': { options: kind, run: rulesValidate },
  'rules schema': { options: kind, run: rulesSchema },
  segment: {
    options: {
      groups: { type: 'string' },
      customers: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    run: segment,
  },
  explain: {
    options: { groups: { type: 'string' }, customer: { type: 'string' }, group: { type: 'string' } },
    run: explain,
  },
  diagram: { options: {}, run: diagram },
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h'

/** The topic named by the first words of argv (`rules validate`, `segment`), and the rest. */
function route(argv: readonly string[]): { topic: UsageTopic | undefined; rest: readonly string[] } {
  const [first, second] = argv
  if (first === 'rules') {
    if (second === 'validate' || second === 'schema') return { topic: `rules ${second}`, rest: argv.slice(2) }
    return { topic: 'rules', rest: argv.slice(1) }
  }
  if (first !== undefined && Object.hasOwn(commands, first))
    return { topic: first as UsageTopic, rest: argv.slice(1) }
  return { topic: undefined, rest: argv }
}

/**
 * Runs `parley` with the given arguments (without `node` and the script) against the given
 * streams, and resolves to the exit code: 0 success, 1 faults found or input unreadable, 2
 * command line not understood. Never rejects, never exits and never sets `process.exitCode`.
 * @example
 * const code = await run(['rules', 'validate', 'groups.json'], { stdout: process.stdout, stderr: process.stderr })
 */
export async function run(argv: readonly string[], io: RunIo): Promise<number> {
  const ctx = toContext(io)
  try {
    return await dispatch(ctx, argv)
  } catch (e) {
    println(ctx.stderr, `parley: unexpected error: ${e instanceof Error && e.stack ? e.stack : messageOf(e)}`)
    return EXIT_FAILURE
  }
}

async function dispatch(ctx: Context, argv: readonly string[]): Promise<number> {
  const [first] = argv
  if (first === undefined) {
    println(ctx.stderr, usages.main)
    return EXIT_USAGE
  }
  if (isHelp(first)) {
    println(ctx.stdout, usages.main)
    return EXIT_OK
  }
  if (first === 'help') {
    const { topic, rest } = route(argv.slice(1))
    if (argv.length > 1 && (topic === undefined || rest.length > 0))
      return usageError(ctx, 'main', `no help for "${argv.slice(1).join(' ')}"`)
    println(ctx.stdout, usages[topic ?? 'main'])
    return EXIT_OK
  }
  const { topic, rest } = route(argv)
  if (topic === undefined) return usageError(ctx, 'main', `unknown command "${first}"`)
  if (topic === 'rules') {
    if (isHelp(rest[0])) {
      println(ctx.stdout, usages.rules)
      return EXIT_OK
    }
    return usageError(
      ctx,
      'rules',
      rest[0] === undefined ? 'missing the rules command' : `unknown rules command "${rest[0]}"`,
    )
  }
  if (topic === 'main') return usageError(ctx, 'main', `unknown command "${first}"`)
  const command = commands[topic]
  const parsed = parseCommand(rest, command.options)
  if (typeof parsed === 'string') return usageError(ctx, topic, parsed)
  if (parsed.help) {
    println(ctx.stdout, usages[topic])
    return EXIT_OK
  }
  return command.run(ctx, parsed)
}
