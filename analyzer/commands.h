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

/*
 * coffman banker [--json] [--explain] FILE: read a Banker's-algorithm state
 * and requests (format in --help and banker_parse.h), print whether the
 * state is safe with a safe sequence and each request's outcome. Returns
 * CMD_EXIT_CLEAN if the state is safe, CMD_EXIT_FOUND if it is unsafe,
 * CMD_EXIT_USAGE for bad arguments or input (one "FILE:LINE: problem"
 * line). Request outcomes do not change the status.
 */
int cmd_banker(int argc, char **argv);

/*
 * coffman analyze [options] TRACE...: replay traces (binary or text, told
 * apart by content) through the engine, several merged into one graph,
 * and print the reports (text, --json, --dot, --summary). Returns
 * CMD_EXIT_CLEAN with no report, CMD_EXIT_FOUND (or --exitcode=N) with
 * some, CMD_EXIT_USAGE for bad arguments or an unreadable trace (one line
 * "coffman analyze: FILE: offset N: reason").
 */
int cmd_analyze(int argc, char **argv);

/*
 * coffman dump [--binary=OUT] TRACE: print a trace in the text format
 * (analyzing the output gives the same reports), or write it in the
 * binary format. CMD_EXIT_CLEAN, or CMD_EXIT_USAGE with one line.
 */
int cmd_dump(int argc, char **argv);

#endif /* COFFMAN_COMMANDS_H */
