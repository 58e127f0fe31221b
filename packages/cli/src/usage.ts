/** The help texts of `parley` and of each command. */

/** The commands `parley --help` lists, with their help texts. */
export const usages = {
  main: `Usage: parley <command> [options]

Operators' tools for Parley rule files, customer groups and workflows.

Commands:
  rules validate <file>   check a rule file; print each fault as "path: message"
  rules schema            print the JSON Schema of a rule file kind
  segment                 put every customer of an NDJSON file into its groups
  explain                 show why a customer is or is not in a group
  diagram <workflow>      print the Mermaid state diagram of a built-in workflow
  help [command]          show the help of a command

Run "parley <command> --help" for the options of a command.
Exit codes: 0 success, 1 faults found or input unreadable, 2 command line not understood.`,

  rules: `Usage: parley rules <validate|schema> [options]

  rules validate <file> [--kind ruleset|groups|moderation|routing]
  rules schema [--kind ruleset|groups|moderation|routing]`,

  'rules validate': `Usage: parley rules validate <file> [--kind ruleset|groups|moderation|routing]

Checks a rule file ("-" reads stdin). Prints an "ok" summary and exits 0, or prints every
fault as "path: message", one a line, and exits 1. A file that cannot be read or is not
JSON (reported as file:line:column) also exits 1.

Options:
  --kind <kind>   the file's kind; by default it is told from the top-level keys:
                  "groups" → groups; "rules" with "defaults" or rules with "set" → routing;
                  "wordLists", "default" or rules with "decision" → moderation;
                  other "rules" → ruleset
  -h, --help      show this help`,

  'rules schema': `Usage: parley rules schema [--kind ruleset|groups|moderation|routing]

Prints the JSON Schema (draft 2020-12) of a rule file kind, for editors ("$schema").

Options:
  --kind <kind>   ruleset (default), groups, moderation or routing
  -h, --help      show this help`,

  segment: `Usage: parley segment --groups <groups.json> --customers <customers.ndjson> [--out <members.ndjson>]

Reads customers one JSON object a line (any size, constant memory; "-" reads stdin) and
writes one line per customer: {"id": ..., "groups": [...]}. Lines that are not a JSON object
with an "id" are reported on stderr with their line number, skipped and counted; blank lines
are ignored. Ends with a table of group sizes: on stdout when --out is given, on stderr when
the members go to stdout. Progress goes to stderr: a bar with rate and ETA on a terminal,
plain lines otherwise.

Options:
  --groups <file>      the customer-groups file (required)
  --customers <file>   the customers, NDJSON (required)
  --out <file>         where to write the members; default stdout
  --quiet              no progress
  -h, --help           show this help

Exits 1 when the groups file is invalid or a file cannot be read or written; malformed
customer lines do not change the exit code.`,

  explain: `Usage: parley explain --groups <groups.json> --customer <customer.json> [--group <id>]

Prints the condition tree of a group for one customer: each condition with the fact value
found and its verdict (✓ holds, ✗ does not, · not evaluated because an earlier sibling
decided). Without --group, explains every group of the file.

Options:
  --groups <file>     the customer-groups file (required)
  --customer <file>   one customer profile, a JSON object (required; "-" reads stdin)
  --group <id>        the group to explain; default all groups
  -h, --help          show this help`,

  diagram: `Usage: parley diagram <workflow>

Prints the Mermaid state diagram (stateDiagram-v2) of a built-in workflow with its default
policy. Workflows: ticket, dispute, listingModeration, review.

Options:
  -h, --help   show this help`,
} as const

/** A command that has a help text. */
export type UsageTopic = keyof typeof usages
