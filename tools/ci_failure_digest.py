#!/usr/bin/env python3
"""Prints a short digest of the failed tests of the last ctest run in a build.

CI logs are long and a viewer may show only their head and tail; the lines
that say why a test failed (a sanitizer's SUMMARY, a gtest failure, a
fuzzer's reproducer) sit in the middle. deploy/test.sh calls this after a
failed ctest so that those lines, and each fuzz reproducer in hex, are also
the last thing the run prints.

  tools/ci_failure_digest.py BUILD_DIR
"""

import glob
import os
import re
import sys

# Lines worth repeating: what failed and where.
INTERESTING = re.compile(
    r"ERROR:|SUMMARY:|WARNING: ThreadSanitizer|runtime error:|"
    r"property violated|Assertion|\bFailure\b|\[  FAILED  \]|Expected|"
    r"Which is|Value of:|Actual:|deadly signal|timeout after|"
    r"out-of-memory|Test artifact|Check failed|what\(\)|Timeout")
MAX_LINES_PER_TEST = 30
MAX_ARTIFACT_BYTES = 2048


def failed_tests(build):
    path = os.path.join(build, "Testing", "Temporary", "LastTestsFailed.log")
    if not os.path.exists(path):
        return []
    names = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            _, _, name = line.strip().partition(":")
            if name:
                names.append(name)
    return names


def outputs(build):
    """Maps a test name to its output lines in LastTest.log."""
    path = os.path.join(build, "Testing", "Temporary", "LastTest.log")
    result = {}
    if not os.path.exists(path):
        return result
    name = None
    lines = []
    start = re.compile(r"^\d+/\d+ Testing: (\S+)")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            match = start.match(line)
            if match:
                name, lines = match.group(1), []
                continue
            if name is not None and line.startswith("<end of output>"):
                result[name] = lines
                name = None
                continue
            if name is not None:
                lines.append(line.rstrip("\n"))
    return result


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    build = sys.argv[1]
    failed = failed_tests(build)
    if not failed:
        return 0
    by_name = outputs(build)
    print(f"=== digest of {len(failed)} failed test(s) in {build}")
    for name in failed:
        lines = by_name.get(name, [])
        hits = [l for l in lines if INTERESTING.search(l)]
        shown = hits[-MAX_LINES_PER_TEST:] if hits else lines[-10:]
        print(f"--- {name}: {len(lines)} lines of output; the telling ones:")
        for line in shown:
            print(f"  {line[:400]}")
    for artifact in sorted(glob.glob(os.path.join(build, "artifacts", "*"))):
        with open(artifact, "rb") as f:
            data = f.read(MAX_ARTIFACT_BYTES + 1)
        more = " (first 2048 bytes)" if len(data) > MAX_ARTIFACT_BYTES else ""
        print(f"--- fuzz reproducer {os.path.basename(artifact)}{more}, hex:")
        hexed = data[:MAX_ARTIFACT_BYTES].hex()
        for i in range(0, len(hexed), 128):
            print(f"  {hexed[i:i + 128]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
