#!/bin/sh
# SPDX-License-Identifier: MIT
# many.sh - feed `coffman banker -` a state at or past its size limits.
#
# usage: many.sh COFFMAN threads|resources|requests COUNT
# Writes a safe state with COUNT threads (one resource), COUNT resources
# (one thread) or COUNT requests (one thread, one resource) to the
# standard input of "COFFMAN banker -", and exits with its status.
coffman=$1 what=$2 count=$3

gen() {
	i=0
	case $what in
	threads)
		echo "resources R"
		echo "available 1"
		while [ "$i" -lt "$count" ]; do
			echo "thread T$i max 1 allocation 0"
			i=$((i + 1))
		done
		;;
	resources)
		names= values=
		while [ "$i" -lt "$count" ]; do
			names="$names R$i"
			values="$values 1"
			i=$((i + 1))
		done
		echo "resources$names"
		echo "available$values"
		echo "thread T max$values allocation$values"
		;;
	requests)
		echo "resources R"
		echo "available 1"
		echo "thread T max 1 allocation 0"
		while [ "$i" -lt "$count" ]; do
			echo "request T 0"
			i=$((i + 1))
		done
		;;
	*)
		echo "many.sh: unknown kind '$what'" >&2
		exit 2
		;;
	esac
}

gen | "$coffman" banker -
