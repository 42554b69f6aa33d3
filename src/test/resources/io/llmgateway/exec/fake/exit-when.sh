#!/usr/bin/env bash
# Waits until the file named by $1 exists, then exits by itself.
while [ ! -e "$1" ]; do sleep 0.05; done
exit 0
