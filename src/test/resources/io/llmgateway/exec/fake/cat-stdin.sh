#!/usr/bin/env bash
# Echoes stdin; "<eof>" proves it saw end of input.
cat
echo "<eof>"
