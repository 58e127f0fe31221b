/** Command-line parsing on `node:util` `parseArgs`, and the usage error every command reports. */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { EXIT_USAGE } from '../exit-codes'
import { type Context, messageOf, println } from '../io'
import { type UsageTopic, usages } from '../usage'

/** The options a command declares, in `parseArgs`'s form. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>

/** A command line after parsing. */
export interface ParsedCommand {
  readonly positionals: readonly string[]
  /** `--help` or `-h` was given. */
  readonly help: boolean
  /** The value of a string option, if given. */
  string(name: string): string | undefined
  /** Whether a boolean option was given. */
  flag(name: string): boolean
}

/**
 * Parses the arguments of one command strictly: an unknown option is an error.
 * @returns the parsed command, or the error message.
 */
export function parseCommand(argv: readonly string[], options: OptionSpec): ParsedCommand | string {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    })
    const v = values as Record<string, string | boolean | undefined>
    return {
      positionals,
      help: v.help === true,
      string: (name) => (typeof v[name] === 'string' ? (v[name] as string) : undefined),
      flag: (name) => v[name] === true,
    }
  } catch (e) {
    // parseArgs' messages end with advice about `--` that does not apply here
    return messageOf(e).replace(/\. To specify a positional argument.*$/s, '')
  }
}

/** Prints a usage error and the command's help on stderr; returns exit code 2. */
export function usageError(ctx: Context, topic: UsageTopic, message: string): number {
  println(ctx.stderr, `parley: ${message}`)
  println(ctx.stderr)
  println(ctx.stderr, usages[topic])
  return EXIT_USAGE
}
