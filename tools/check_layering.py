#!/usr/bin/env python3
"""Fails when a source file includes a header from a layer above its own.

The layers are ARCHITECTURE.md section 3. Each folder below lists the folders
of ours (gateway/..., adapters/..., and the generated nhs/tobacco protos)
that its .cc and .h files may include; any other include of ours is a
violation. Abseil, the standard library and other third-party headers are not
checked. Tests and deploy tools are not layered (they wire things together).

  tools/check_layering.py [ROOT]      # ROOT defaults to the repository

Exit status 0 when clean, 1 with one line per violation otherwise.
"""

import os
import re
import sys

PROTOS = "nhs/tobacco"
ADAPTERS = ["adapters/" + a for a in
            ("net", "http", "hl7v2", "fhir", "mental_health", "gp", "pharmacy",
             "service", "mesh", "gp_connect")]

# Folder -> the folders of ours it may include (besides itself).
ALLOWED = {
    # The bottom of the stack: Abseil only.
    "gateway/common": [],
    # Pure logic over the generated messages; no I/O, nothing above it.
    "gateway/domain": ["gateway/common", PROTOS],
    "gateway/security": ["gateway/common", "gateway/domain", PROTOS],
    # The store serves and never calls up.
    "gateway/store": ["gateway/common", "gateway/domain", "gateway/security",
                      PROTOS],
    # Where domain rules, security and the store meet; knows no edge.
    "gateway/pathway": ["gateway/common", "gateway/domain",
                        "gateway/security", "gateway/store", PROTOS],
    # Delivery calls the pathway and renders with the adapters.
    # Prometheus metrics (issue 15): the operations snapshot use case and
    # the protos' enum names; recorded into by the edges through server/.
    "gateway/metrics": ["gateway/common", "gateway/pathway", PROTOS],
    "gateway/delivery": ["gateway/common", "gateway/domain",
                         "gateway/security", "gateway/store",
                         "gateway/pathway", PROTOS] + ADAPTERS,
    # Edges: decode, call a use case, encode. Never the store directly.
    "gateway/api": ["gateway/common", "gateway/domain", "gateway/security",
                    "gateway/pathway", PROTOS] + ADAPTERS,
    # The HTTP/JSON edge (issue 13): an edge like gateway/api, which it
    # builds on (HttpPrincipalSource).
    "gateway/jsonapi": ["gateway/common", "gateway/domain",
                        "gateway/security", "gateway/pathway", "gateway/api",
                        PROTOS] + ADAPTERS,
    # The web console: an edge over the JSON API.
    "gateway/console": ["gateway/common", "gateway/domain",
                        "gateway/security", "gateway/pathway", "gateway/api",
                        "gateway/jsonapi", PROTOS] + ADAPTERS,
    # Wiring may include every layer except the CLI.
    "gateway/server": ["gateway/common", "gateway/domain",
                       "gateway/security", "gateway/store", "gateway/metrics",
                       "gateway/pathway", "gateway/delivery", "gateway/api",
                       "gateway/jsonapi", "gateway/console",
                       PROTOS] + ADAPTERS,
    # tobaccoctl talks to the server over gRPC only.
    "gateway/cli": ["gateway/common", PROTOS],
    # Shared listener pieces (TLS policy, caps, PROXY protocol): nothing of
    # ours.
    "adapters/net": [],
    # The HTTP/1.1 server and client (Asio + Beast): the net pieces only.
    "adapters/http": ["adapters/net"],
    # The HL7 v2 codec knows nothing of the gateway.
    "adapters/hl7v2": ["adapters/net"],
    "adapters/fhir": ["gateway/common", "gateway/domain", "adapters/net",
                      "adapters/http", PROTOS],
    "adapters/mental_health": ["gateway/common", "gateway/domain",
                               "adapters/hl7v2", PROTOS],
    "adapters/gp": ["gateway/common", "gateway/domain", "adapters/fhir",
                    PROTOS],
    "adapters/pharmacy": ["gateway/common", "gateway/domain",
                          "adapters/fhir", PROTOS],
    "adapters/service": ["gateway/common", "gateway/domain", "adapters/fhir",
                         PROTOS],
    # MESH (issue 17): the client over the HTTP client; knows no payload.
    "adapters/mesh": ["gateway/common", "adapters/http"],
    # GP Connect Send Document: the ITK3 payload and the PDF letter.
    "adapters/gp_connect": ["gateway/common", "gateway/domain",
                            "adapters/fhir", "adapters/gp", PROTOS],
}

# Prefixes that make an include "ours" and so subject to the rules.
OURS = ("gateway/", "adapters/", PROTOS + "/")

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')


def layer_of(path):
    """The most specific ALLOWED folder holding path, or None."""
    best = None
    for folder in ALLOWED:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def check_file(root, rel, layer):
    allowed = [layer] + ALLOWED[layer]
    violations = []
    with open(os.path.join(root, rel), encoding="utf-8",
              errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(1)
            if not header.startswith(OURS):
                continue
            if any(header.startswith(a + "/") for a in allowed):
                continue
            violations.append(
                f"{rel}:{number}: {layer} may not include {header}")
    return violations


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    violations = []
    checked = 0
    for top in ("gateway", "adapters"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith((".cc", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                rel = rel.replace(os.sep, "/")
                layer = layer_of(rel)
                if layer is None:
                    violations.append(
                        f"{rel}: in no known layer; add its folder to "
                        "tools/check_layering.py")
                    continue
                checked += 1
                violations.extend(check_file(root, rel, layer))
    for v in violations:
        print(v)
    if violations:
        print(f"layering: {len(violations)} violation(s) in {checked} files "
              "(ARCHITECTURE.md section 3)")
        return 1
    if checked == 0:
        print(f"layering: no source files under {root}")
        return 1
    print(f"layering: {checked} files include only from their own layer "
          "or below")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
