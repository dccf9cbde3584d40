#!/bin/sh
# Removes a test bed's network once this script's stdin reaches end of file: when the bed
# stops (it closes the pipe) or when its process dies, however it dies. Network namespaces,
# veth pairs and bridges are kernel objects that outlive every process, so something that
# outlives the bed must remove them. $1 is the manifest the bed keeps up to date: lines
# "netns <name>", "link <name>", "dir <path>" (removed recursively), in any order.
manifest="$1"
while read -r _; do :; done
[ -f "$manifest" ] || exit 0
while read -r kind name; do
  [ "$kind" = netns ] || continue
  for pid in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
done < "$manifest"
while read -r kind name; do
  case "$kind" in
    netns) ip netns delete "$name" 2>/dev/null; rm -rf "/etc/netns/$name" ;;
    link) ip link delete "$name" 2>/dev/null ;;
  esac
done < "$manifest"
while read -r kind name; do
  [ "$kind" = dir ] && rm -rf "$name"
done < "$manifest"
rm -f "$manifest"
exit 0
