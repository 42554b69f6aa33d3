#!/usr/bin/env bash
# Like orphan.sh, but the orphan runs with an empty environment, so it lacks the run marker. The parent
# exits only at end of input: the gateway closes stdin after it noted the pipes, so the test cannot lose
# the (documented) race with a parent that exits within a millisecond of being spawned.
(trap "" TERM; exec env -i sleep 1000) &
echo "orphan=$!"
cat >/dev/null
exit 0
