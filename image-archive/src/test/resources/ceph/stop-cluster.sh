#!/usr/bin/env bash
# Ends the daemons that start-cluster.sh DIR started, by the pids in DIR/run.
dir=$1
for f in "$dir"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
done
sleep 1
for f in "$dir"/run/*.pid; do
  [ -f "$f" ] || continue
  kill -9 "$(cat "$f")" 2>/dev/null || true
done
