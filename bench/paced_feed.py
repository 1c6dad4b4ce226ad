#!/usr/bin/env python3
"""Feed a file through a pipe into a command and time each quarter of the file.

Usage: paced_feed.py FILE COMMAND [ARG...]

The command reads the file from its stdin, as an auditd plugin reads auditd's pipe. A write
into the pipe returns only when the command has made room, so the time at which the feeder
finishes writing a quarter is when the command has consumed it, give or take the 64 KiB pipe
buffer. The last quarter ends when the command exits. Prints one line of JSON: seconds for
the whole file and for each quarter, and the command's exit status. The command's stdout
and stderr are discarded.
"""

import json
import os
import subprocess
import sys
import time

CHUNK_BYTES = 1 << 20


def main() -> int:
    path, command = sys.argv[1], sys.argv[2:]
    size = os.path.getsize(path)
    quarter_ends = [size * k // 4 for k in (1, 2, 3)]
    marks = []

    start = time.monotonic()
    # The command's own log lines would interleave with the table, so stderr is discarded
    # too. Its exit status is reported instead.
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    written = 0
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            child.stdin.write(chunk)
            written += len(chunk)
            while len(marks) < 3 and written >= quarter_ends[len(marks)]:
                marks.append(time.monotonic())
    child.stdin.close()
    status = child.wait()
    end = time.monotonic()

    bounds = [start] + marks + [end]
    quarters = [bounds[i + 1] - bounds[i] for i in range(4)]
    print(json.dumps({"bytes": size, "seconds": end - start, "quarter_seconds": quarters,
                      "status": status}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
