#!/usr/bin/env python3
"""Runs a command and writes the CPU-seconds its processes used to a file.

Usage: with-cpu-time.py FILE COMMAND [ARG...]; exits as COMMAND does.

The count includes processes the command orphans (Chromium's renderers, a backend whose
script was killed): this process adopts them as Linux's child subreaper and reaps those that
end within a few seconds of the command. Daemons that outlive that are not counted.
"""
import ctypes
import os
import resource
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 3


def reap_orphans():
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: with-cpu-time.py FILE COMMAND [ARG...]")
    out, command = sys.argv[1], sys.argv[2:]
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    try:
        code = subprocess.call(command)
    except KeyboardInterrupt:
        code = 130
    reap_orphans()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as file:
        file.write(f"{usage.ru_utime + usage.ru_stime:.0f}\n")
    sys.exit(128 - code if code < 0 else code)


main()
