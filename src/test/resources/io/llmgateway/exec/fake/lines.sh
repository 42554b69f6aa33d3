#!/usr/bin/env bash
# Lines on both streams, a CRLF line, and a last line without a terminator.
echo out1
echo err1 >&2
printf "out2\r\n"
printf "tail-without-newline"
