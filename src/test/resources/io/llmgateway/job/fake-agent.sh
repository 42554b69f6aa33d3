#!/bin/bash
# A fake coding-agent CLI for the job tests. Reads the prompt from stdin; words in it steer it:
#   lines=N      print N assistant events first (default 1)
#   width=N      pad each event to about N characters (default 0)
#   tool=NAME    print a tool_use event for tool NAME
#   sleep=S      sleep S seconds (fractions allowed) before the result
#   exit=N       exit with status N after the result (default 0)
#   grandchild   start a background `sleep 300` first and print "grandchild <pid>" on stderr
#   noresult     print no result event
# The native session id is $FAKE_NATIVE_ID (default native-1). Output never contains the prompt.
prompt=$(cat)
lines=1; width=0; sleep_s=0; exit_code=0; tool=""; grandchild=""; result=yes
for word in $prompt; do
  case "$word" in
    lines=*) lines=${word#lines=} ;;
    width=*) width=${word#width=} ;;
    tool=*) tool=${word#tool=} ;;
    sleep=*) sleep_s=${word#sleep=} ;;
    exit=*) exit_code=${word#exit=} ;;
    grandchild) grandchild=yes ;;
    noresult) result="" ;;
  esac
done
native=${FAKE_NATIVE_ID:-native-1}
echo "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"$native\"}"
if [ -n "$grandchild" ]; then
  sleep 300 &
  echo "grandchild $!" >&2
fi
pad=$(printf '%*s' "$width" '' | tr ' ' 'x')
for ((i = 0; i < lines; i++)); do
  echo "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"part $i $pad\"}]}}"
done
if [ -n "$tool" ]; then
  echo "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":\"$tool\",\"input\":{}}]}}"
fi
echo "working" >&2
sleep "$sleep_s"
if [ -n "$result" ]; then
  echo "{\"type\":\"result\",\"result\":\"done after $lines lines\",\"session_id\":\"$native\"}"
fi
exit "$exit_code"
