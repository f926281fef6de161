# bash completion for gregor.
# Install: source this file from ~/.bashrc, or copy it to
# /usr/share/bash-completion/completions/gregor (or ~/.local/share/bash-completion/completions/gregor).
# Topic and group names and transactional ids are completed from the cluster
# in GREGOR_BROKERS (or the --brokers given on the line), with a 2 s limit.

# COMPREPLY=($(compgen ...)) is the usual completion idiom: words never contain spaces here.
# shellcheck disable=SC2207
_gregor_client_opts="--brokers -X --format --verbose --timeout --help"

_gregor_words() {
  # The command and subcommand typed so far (words that are not options).
  _gregor_cmd="" _gregor_sub=""
  local i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      -*) ;;
      *)
        if [ -z "$_gregor_cmd" ]; then
          _gregor_cmd=$w
        elif [ -z "$_gregor_sub" ]; then
          _gregor_sub=$w
        fi
        ;;
    esac
  done
}

_gregor_brokers_arg() {
  local i
  for ((i = 1; i < COMP_CWORD; i++)); do
    if [ "${COMP_WORDS[i]}" = "--brokers" ]; then
      echo "--brokers ${COMP_WORDS[i + 1]}"
      return
    fi
  done
}

_gregor_names() { # _gregor_names topic|group|transaction
  local out
  # shellcheck disable=SC2046
  out=$(timeout 3 gregor "$1" list --timeout 2 $(_gregor_brokers_arg) 2>/dev/null | tail -n +2 | awk '{print $1}')
  echo "$out"
}

_gregor_options() {
  case "$_gregor_cmd $_gregor_sub" in
    "serve "*) echo "--config --override --log-level --help" ;;
    "topic create") echo "-p --partitions -r --replicas -c --topic-config -d --dry-run $_gregor_client_opts" ;;
    "topic list" | "topic ls") echo "-i --internal $_gregor_client_opts" ;;
    "topic add-partitions") echo "-n --num $_gregor_client_opts" ;;
    "topic alter-config") echo "-s --set -d --delete $_gregor_client_opts" ;;
    "topic trim-prefix" | "topic delete-records") echo "-o --offset -p --partitions $_gregor_client_opts" ;;
    "produce "*) echo "-k --key -K --key-delimiter -H --header -p --partition -z --compression --acks --idempotent --rate -f --file --delimiter $_gregor_client_opts" ;;
    "consume "*) echo "-o --offset -n --num -g --group -p --partitions -f --format -e --exit --brokers -X --verbose --timeout --help" ;;
    "group reset-offsets") echo "-t --topic --all-topics --to-earliest --to-latest --to-offset --to-timestamp --shift-by --execute $_gregor_client_opts" ;;
    "group delete-offsets") echo "-t --topic $_gregor_client_opts" ;;
    "config get") echo "-b --broker $_gregor_client_opts" ;;
    "config set") echo "-d --delete -b --broker --cluster-default $_gregor_client_opts" ;;
    "transaction list" | "transaction ls" | "txn list" | "txn ls") echo "--state --producer-id $_gregor_client_opts" ;;
    "producer describe") echo "-p --partition $_gregor_client_opts" ;;
    "bench produce") echo "-t --topic -n --count -d --duration -p --partitions -s --record-size --rate --acks -z --compression --batch-size --linger-ms --producers --json --csv $_gregor_client_opts" ;;
    "bench consume") echo "-t --topic -n --count -d --duration -p --partitions --consumers --json --csv $_gregor_client_opts" ;;
    "bench e2e") echo "-t --topic -n --count -d --duration -p --partitions -s --record-size --rate --acks -z --compression --batch-size --linger-ms --json --csv $_gregor_client_opts" ;;
    *) echo "$_gregor_client_opts" ;;
  esac
}

_gregor() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  _gregor_words

  case $prev in
    --format) [ "$_gregor_cmd" = consume ] && COMPREPLY=($(compgen -W "json text" -- "$cur")) ||
      COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    -f) if [ "$_gregor_cmd" = consume ]; then COMPREPLY=($(compgen -W "json text" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi; return ;;
    -z | --compression) COMPREPLY=($(compgen -W "none gzip snappy lz4 zstd" -- "$cur")); return ;;
    --acks) COMPREPLY=($(compgen -W "all 1 0 -1" -- "$cur")); return ;;
    -o | --offset) COMPREPLY=($(compgen -W "start end" -- "$cur")); return ;;
    --state) COMPREPLY=($(compgen -W "Empty Ongoing PrepareCommit PrepareAbort CompleteCommit CompleteAbort PrepareEpochFence Dead" -- "$cur")); return ;;
    --log-level) COMPREPLY=($(compgen -W "trace debug info warn error" -- "$cur")); return ;;
    --config | --file | --csv) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -t | --topic) COMPREPLY=($(compgen -W "$(_gregor_names topic)" -- "$cur")); return ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_gregor_options)" -- "$cur"))
    return
  fi
  case "$_gregor_cmd" in
    "") COMPREPLY=($(compgen -W "serve topic produce consume group cluster config bench transaction producer" -- "$cur")) ;;
    topic)
      if [ -z "$_gregor_sub" ]; then
        COMPREPLY=($(compgen -W "create list describe delete add-partitions alter-config trim-prefix" -- "$cur"))
      elif [ "$_gregor_sub" != create ] && [ "$_gregor_sub" != list ]; then
        COMPREPLY=($(compgen -W "$(_gregor_names topic)" -- "$cur"))
      fi
      ;;
    group)
      if [ -z "$_gregor_sub" ]; then
        COMPREPLY=($(compgen -W "list describe delete reset-offsets delete-offsets" -- "$cur"))
      elif [ "$_gregor_sub" != list ]; then
        COMPREPLY=($(compgen -W "$(_gregor_names group)" -- "$cur"))
      fi
      ;;
    cluster) [ -n "$_gregor_sub" ] || COMPREPLY=($(compgen -W "info" -- "$cur")) ;;
    config) [ -n "$_gregor_sub" ] || COMPREPLY=($(compgen -W "get set" -- "$cur")) ;;
    bench) [ -n "$_gregor_sub" ] || COMPREPLY=($(compgen -W "produce consume e2e" -- "$cur")) ;;
    transaction | txn)
      if [ -z "$_gregor_sub" ]; then
        COMPREPLY=($(compgen -W "list describe" -- "$cur"))
      elif [ "$_gregor_sub" = describe ]; then
        COMPREPLY=($(compgen -W "$(_gregor_names transaction)" -- "$cur"))
      fi
      ;;
    producer)
      if [ -z "$_gregor_sub" ]; then
        COMPREPLY=($(compgen -W "describe" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$(_gregor_names topic)" -- "$cur"))
      fi
      ;;
    produce | consume) COMPREPLY=($(compgen -W "$(_gregor_names topic)" -- "$cur")) ;;
  esac
}

complete -F _gregor gregor
