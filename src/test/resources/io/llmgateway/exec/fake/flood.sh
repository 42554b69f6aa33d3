#!/usr/bin/env bash
# Writes "$2" lines forever to stdout, or to stderr when $1 is "stderr".
if [ "$1" = stderr ]; then exec yes "$2" >&2; else exec yes "$2"; fi
