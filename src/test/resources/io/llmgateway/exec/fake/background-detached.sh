#!/usr/bin/env bash
# Leaves a background process that closed its stdio (pipes reach EOF at once) and ignores SIGTERM.
(trap "" TERM; exec sleep 1000 </dev/null >/dev/null 2>&1) &
echo "background=$!"
exit 0
