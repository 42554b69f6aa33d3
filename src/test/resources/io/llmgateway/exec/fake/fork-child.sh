#!/usr/bin/env bash
# Starts a child that ignores SIGTERM, then waits for it while both stay alive.
(trap "" TERM; exec sleep 1000) &
echo "child=$!"
wait
