#!/usr/bin/env bash
# Leaves an orphan that ignores SIGTERM and still holds stdout and stderr; the parent exits at once.
(trap "" TERM; exec sleep 1000) &
echo "orphan=$!"
exit 0
