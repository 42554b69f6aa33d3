#!/usr/bin/env bash
# Writes bytes that are not valid UTF-8, including NUL.
printf "abc\377\376\000\200def\n"
