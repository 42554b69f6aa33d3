#!/usr/bin/env bash
# Prints each argument on its own line, exactly as received.
printf "%s\n" "$@"
