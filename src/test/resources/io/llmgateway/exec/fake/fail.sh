#!/usr/bin/env bash
# Exits non-zero after writing to both streams.
echo "partial output"
echo "something went wrong" >&2
exit 3
