#!/usr/bin/env bash
# Ignores SIGTERM (sleep inherits the ignored disposition through exec), then goes silent.
trap "" TERM
echo ready
exec sleep 1000
