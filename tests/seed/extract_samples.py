#!/usr/bin/env python3
"""Extracts the three C samples of the seed page (shared/seed/wsk-event-callbacks.fr.txt) verbatim into a
C file. Only the lines the page elides with '...' are replaced, by calls into the application's own code
(declared in seed_app.h). The page itself is not committed here: it is read at build time."""
import sys

src, out = sys.argv[1], sys.argv[2]
lines = open(src, encoding="utf-8").read().split("\n")
code_starts = ("//", " ", "NTSTATUS", "{", "}", "PWSK", "DisableDisconnect")
blocks, cur = [], None
for line in lines:
    if line.startswith("//") and cur is None:
        cur = []
    if cur is not None:
        if line and not line.startswith(code_starts):
            blocks.append(cur)
            cur = None
            continue
        cur.append(line)
if cur:
    blocks.append(cur)
if len(blocks) != 3:
    sys.exit(f"{src}: expected 3 code samples, found {len(blocks)}")

elisions = ["SeedAppNextOperation(Socket);", "SeedAppHandleError(Irp);"]
with open(out, "w", encoding="utf-8") as f:
    f.write("/* Generated from the seed page by tests/seed/extract_samples.py: the samples are verbatim. */\n")
    f.write('#include "seed_app.h"\n\n')
    for i, block in enumerate(blocks):
        f.write(f"/* ---- sample {i + 1} ---- */\n")
        for line in block:
            if line.strip() == "...":
                if not elisions:
                    sys.exit("more '...' elisions than expected")
                indent = line[: len(line) - len(line.lstrip())]
                line = indent + elisions.pop(0)
            f.write(line + "\n")
if elisions:
    sys.exit("fewer '...' elisions than expected")
