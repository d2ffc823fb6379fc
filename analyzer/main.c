/* SPDX-License-Identifier: MIT */
/*
 * main.c - entry point of the `coffman` command: global flags, help, and
 * dispatch of "coffman COMMAND ..." to the command's cmd_<name>().
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;		  /* as typed after "coffman" */
	int (*fn)(int argc, char **argv); /* see commands.h */
	const char *summary;		  /* one line for --help */
};

static const struct command commands[] = {
	{ "run", cmd_run,
	  "run a program with the deadlock detector preloaded" },
	{ "banker", cmd_banker,
	  "check a Banker's-algorithm state and requests from a file" },
	{ "analyze", cmd_analyze,
	  "replay recorded traces offline and report what they show" },
	{ "dump", cmd_dump, "print a trace as text, or convert it" },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

static void usage(FILE *f)
{
	fputs("usage: coffman COMMAND [ARGS...]\n"
	      "       coffman --help | --version\n"
	      "\n"
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "  %-10s %s\n", "help", "show this help, or a command's");
	fputs("\n"
	      "Options:\n"
	      "  -h, --help  show this help and exit\n"
	      "  --version   print the version and exit\n"
	      "\n"
	      "Run 'coffman help COMMAND' or 'coffman COMMAND --help' for a "
	      "command's options.\n",
	      f);
}

static void hint(void)
{
	fputs("Try 'coffman --help'.\n", stderr);
}

/* "coffman help [COMMAND]" */
static int help(int argc, char **argv)
{
	static char help_flag[] = "--help";
	const struct command *cmd;
	char *help_argv[3];

	if (argc < 2) {
		usage(stdout);
		return CMD_EXIT_CLEAN;
	}
	cmd = find_command(argv[1]);
	if (!cmd || argc > 2) {
		if (cmd)
			fputs("coffman help: too many arguments\n", stderr);
		else
			fprintf(stderr, "coffman help: unknown command '%s'\n",
				argv[1]);
		hint();
		return CMD_EXIT_USAGE;
	}
	help_argv[0] = argv[1];
	help_argv[1] = help_flag;
	help_argv[2] = NULL;
	return cmd->fn(2, help_argv);
}

static int dispatch(int argc, char **argv)
{
	const struct command *cmd;
	const char *arg;

	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		usage(stdout);
		return CMD_EXIT_CLEAN;
	}
	if (strcmp(arg, "--version") == 0) {
		printf("coffman %s\n", COFFMAN_VERSION);
		return CMD_EXIT_CLEAN;
	}
	if (strcmp(arg, "help") == 0)
		return help(argc - 1, argv + 1);
	if (arg[0] == '-') {
		fprintf(stderr, "coffman: unknown option '%s'\n", arg);
		hint();
		return CMD_EXIT_USAGE;
	}
	cmd = find_command(arg);
	if (!cmd) {
		fprintf(stderr, "coffman: unknown command '%s'\n", arg);
		hint();
		return CMD_EXIT_USAGE;
	}
	return cmd->fn(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	int rc = dispatch(argc, argv);

	/* Help piped into a closed reader or a full disk must not look fine. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("coffman: error writing to standard output\n", stderr);
		return CMD_EXIT_USAGE;
	}
	return rc;
}
