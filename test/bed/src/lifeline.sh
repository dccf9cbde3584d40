#!/bin/sh
# Runs "$@" and kills it when this script's stdin reaches end of file, which happens when the
# parent that holds the other end of the pipe dies, however it dies. Used where setpriv
# (--pdeathsig) is missing.
exec 3<&0
"$@" </dev/null &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
(
  while read -r _ <&3; do :; done
  kill -KILL "$child" 2>/dev/null
) &
watcher=$!
status=0
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  status=$?
done
kill "$watcher" 2>/dev/null
exit "$status"
