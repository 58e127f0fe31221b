// The exit codes of `parley`, shared by every command.

/** Exit code of a successful run. */
export const EXIT_OK = 0
/** Exit code of a run that found faults or could not read its input. */
export const EXIT_FAILURE = 1
/** Exit code of a command line that is not understood (unknown command or option, missing argument). */
export const EXIT_USAGE = 2
