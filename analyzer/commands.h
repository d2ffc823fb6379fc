/* SPDX-License-Identifier: MIT */
/*
 * commands.h - the subcommands of the `coffman` command, dispatched by name
 * from main.c. To add one: declare cmd_<name>() here, add a row to
 * commands[] in main.c, and add its .c file to the coffman target.
 */
#ifndef COFFMAN_COMMANDS_H
#define COFFMAN_COMMANDS_H

/* Exit statuses shared by all commands (STYLE.md 2.4). */
#define CMD_EXIT_CLEAN 0 /* ran, nothing found */
#define CMD_EXIT_FOUND 1 /* a potential deadlock was found */
#define CMD_EXIT_USAGE 2 /* bad arguments or unreadable input */

/*
 * Every command is called as cmd_<name>(argc, argv) with argv[0] the command's
 * own name ("run") and argv[argc] == NULL, and returns the process exit
 * status. Each one accepts --help: usage on stdout, returns 0. Errors are one
 * line on stderr, "coffman <name>: ...". main() checks stdout for write
 * errors after the command returns, so commands need not.
 */

/*
 * coffman run [--key=value ...] [--] PROG [ARGS...]: validate each option
 * with options_set(), append it to COFFMAN_OPTIONS, prepend libcoffman.so to
 * LD_PRELOAD and exec PROG (PATH lookup), so PROG's exit status is the
 * command's. Returns only on --help (0), a usage error or a missing library
 * (CMD_EXIT_USAGE), or a failed exec (126 if permission was denied or the
 * file is not executable, else 127, as a shell does).
 */
int cmd_run(int argc, char **argv);

#endif /* COFFMAN_COMMANDS_H */
