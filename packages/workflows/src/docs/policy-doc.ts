/** One row of a workflow's policy table in the generated docs. */
export interface PolicyDoc {
  /** The option name. */
  readonly option: string
  /** The default, as code. */
  readonly default: string
  readonly description: string
}
