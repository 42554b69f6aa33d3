#!/usr/bin/env bash
# Says hello, then never writes or exits again.
echo hello
exec sleep 1000
