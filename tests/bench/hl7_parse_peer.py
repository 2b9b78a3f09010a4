#!/usr/bin/python3
"""Peer figure for hl7_translate_bench: python3-hl7 parse rate of the same
message, in the same run. usage: hl7_parse_peer.py FILE SECONDS
Prints "python3-hl7 parse: N msg/s". Run with /usr/bin/python3 (Debian)."""
import re
import sys
import time

import hl7

data = open(sys.argv[1], "rb").read()
message = re.sub(rb"\r\n|\n|\r", b"\r", data).decode()
seconds = float(sys.argv[2])
count = 0
start = time.perf_counter()
deadline = start + seconds
while time.perf_counter() < deadline:
    for _ in range(50):
        m = hl7.parse(message)
        # Touch what the translation reads, so lazy parsing cannot flatter.
        m.segment("PID")[3]
    count += 50
elapsed = time.perf_counter() - start
print("python3-hl7 parse: %.0f msg/s" % (count / elapsed))
