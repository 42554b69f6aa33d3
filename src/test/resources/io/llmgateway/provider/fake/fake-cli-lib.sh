# Shared by the fake provider CLIs: conversation state, call recording and failure triggers.
# State lives in $FAKE_CLI_STATE: <cli>-<scope>-session-<id> holds a conversation's user-message count,
# <cli>-<scope>-latest the id of the latest conversation, where the scope is the working directory for
# CLIs that keep conversations per directory (SESSION_SCOPE=cwd) and "all" otherwise; <cli>.args
# (NUL-separated), <cli>.cwd, <cli>.stdin and <cli>.env record the last call. A prompt containing one of these words makes the CLI misbehave:
#   FAKE_API_ERROR  the provider's API-error output and exit code
#   FAKE_AUTH       the provider's not-logged-in output
#   FAKE_SLEEP      hang (with a child process) until killed
#   FAKE_SILENT     print the start of the output, then hang silently
#   FAKE_FLOOD      print output without end
#   FAKE_EMPTY      exit 0 without printing anything
#   FAKE_GATE       create the files "gate-waiting" and "gate-waiting-<cli>-<pid>", wait until the file "gate"
#                   appears, then answer
#   FAKE_WRITE      write the file "written-by-<cli>-<pid>.txt" into the working directory, as an agent editing files
#   FAKE_FLAG_ID    report a new conversation under the id "--dangerously-bypass-approvals-and-sandbox"
#   FAKE_LEAK       (claude) print the secrets of its environment in its reply, a tool name and stderr
#   FAKE_LEAK_ERROR (claude) print a key on stderr, then 2000 more characters, and fail
set -u
: "${FAKE_CLI_STATE:?FAKE_CLI_STATE must name the fake CLIs state directory}"
FAKE_CLI="$1"
shift
if [ "${SESSION_SCOPE:-all}" = cwd ]; then
  SCOPE="$FAKE_CLI-$(pwd | cksum | cut -d' ' -f1)"
else
  SCOPE="$FAKE_CLI-all"
fi

record_call() {
  printf '%s\0' "$@" > "$FAKE_CLI_STATE/$FAKE_CLI.args"
  pwd > "$FAKE_CLI_STATE/$FAKE_CLI.cwd"
  printf '%s' "$PROMPT" > "$FAKE_CLI_STATE/$FAKE_CLI.stdin"
  env > "$FAKE_CLI_STATE/$FAKE_CLI.env"
}

prompt_has() {
  case "$PROMPT" in *"$1"*) return 0 ;; *) return 1 ;; esac
}

new_session_id() {
  cat /proc/sys/kernel/random/uuid
}

session_exists() {
  [ -f "$FAKE_CLI_STATE/$SCOPE-session-$1" ]
}

latest_session() {
  cat "$FAKE_CLI_STATE/$SCOPE-latest" 2>/dev/null
}

# Sets id: conversation $1 when given (exiting with message $3 and code $4 if the CLI does not know it),
# else the latest conversation when $2 is 1 and there is one, else a new conversation.
pick_session() {
  if [ -n "$1" ]; then
    if ! session_exists "$1"; then
      echo "$3" >&2
      exit "$4"
    fi
    id="$1"
  elif [ "$2" = 1 ] && [ -n "$(latest_session)" ]; then
    id=$(latest_session)
  else
    id=$(new_session_id)
    if prompt_has FAKE_FLAG_ID; then id="--dangerously-bypass-approvals-and-sandbox"; fi
  fi
}

# Adds one user message to conversation $1 (creating it) and prints the new count.
take_turn() {
  local file="$FAKE_CLI_STATE/$SCOPE-session-$1" count=0
  [ -f "$file" ] && count=$(cat "$file")
  count=$((count + 1))
  echo "$count" > "$file"
  echo "$1" > "$FAKE_CLI_STATE/$SCOPE-latest"
  echo "$count"
}

# A reply safe to embed in JSON: only letters, digits, spaces and a few punctuation marks of the prompt.
reply_text() {
  local clean
  clean=$(printf '%s' "$PROMPT" | tr -cd 'A-Za-z0-9 _.-' | cut -c1-60)
  echo "Fake $FAKE_CLI reply; $1 user message(s) in context; prompt: $clean"
}

# Behaviours every fake shares; returns when the prompt asks for none of them.
common_triggers() {
  if prompt_has FAKE_SLEEP; then
    sleep 60 &
    wait
    exit 0
  fi
  if prompt_has FAKE_FLOOD; then
    while :; do echo "flood flood flood flood flood flood flood flood flood flood flood flood"; done
  fi
  if prompt_has FAKE_EMPTY; then
    exit 0
  fi
  if prompt_has FAKE_WRITE; then
    echo "$FAKE_CLI $$" > "written-by-$FAKE_CLI-$$.txt"
  fi
  if prompt_has FAKE_GATE; then
    touch "$FAKE_CLI_STATE/gate-waiting" "$FAKE_CLI_STATE/gate-waiting-$FAKE_CLI-$$"
    while [ ! -e "$FAKE_CLI_STATE/gate" ]; do sleep 0.05; done
  fi
}

hang_silently() {
  sleep 60 &
  wait
  exit 0
}
