#!/usr/bin/env python3
"""Runs a command and writes the CPU-seconds its processes used to a file.

Usage: with-cpu-time.py FILE COMMAND [ARG...]; exits as COMMAND does.

The count includes processes the command orphans (Chromium's renderers, a backend whose
script was killed): this process adopts them as Linux's child subreaper and reaps each as soon
as it ends, as init would (a dead orphan left unreaped would still answer kill(pid, 0)), and
waits a few seconds after the command for the last ones. Daemons that outlive that are not
counted.
"""
import ctypes
import os
import resource
import sys
import time

PR_SET_CHILD_SUBREAPER = 36
GRACE_SECONDS = 3


def run(command):
    """Starts the command and reaps every child until the command itself has ended."""
    child = os.posix_spawnp(command[0], command, os.environ)
    while True:
        pid, status = os.wait()
        if pid == child:
            return os.waitstatus_to_exitcode(status)


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
        code = run(command)
    except FileNotFoundError:
        sys.exit(f"with-cpu-time.py: {command[0]}: command not found")
    except KeyboardInterrupt:
        code = 130
    reap_orphans()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as file:
        file.write(f"{usage.ru_utime + usage.ru_stime:.0f}\n")
    sys.exit(128 - code if code < 0 else code)


main()
