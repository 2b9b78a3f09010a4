#!/usr/bin/env bash
# Fails when a C++ file of ours is not formatted as .clang-format says:
# `clang-format --dry-run -Werror` over every tracked .cc/.h (so build
# folders and generated code, which git does not track, are left out).
# To fix: tools/check_format.sh --fix (clang-format -i on the same files).
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format="${CLANG_FORMAT:-clang-format}"
mode=(--dry-run -Werror)
if [[ "${1:-}" == "--fix" ]]; then mode=(-i); fi

# Tracked files when this is a git checkout; otherwise every .cc/.h outside
# build/ and node_modules/.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cc' '*.h')
else
  mapfile -t files < <(find . \( -path ./build -o -name node_modules \) -prune \
                         -o \( -name '*.cc' -o -name '*.h' \) -print | sort)
fi
if ((${#files[@]} == 0)); then
  echo "check_format: no C++ files found" >&2
  exit 1
fi
if "${clang_format}" "${mode[@]}" "${files[@]}"; then
  echo "check_format: ${#files[@]} files formatted as .clang-format says"
else
  echo "check_format: run tools/check_format.sh --fix (clang-format -i)" >&2
  exit 1
fi
