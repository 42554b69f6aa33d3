#!/usr/bin/env bash
# Shows what the child received: one variable, its working directory, its whole environment.
echo "FOO=$FOO"
pwd
env
