#!/usr/bin/env bash
# Format and lint checks, run by CTest (tests `format` and `tidy`).
#   lint.sh format SOURCE_DIR             every C++ file formatted as .clang-format says
#   lint.sh tidy SOURCE_DIR BUILD_DIR     no .clang-tidy warning in src/ and io/
# Fails with the offending lines printed; `clang-format -i FILE` fixes a format failure.
set -euo pipefail
mode=$1 source_dir=$2
cd "$source_dir"
mapfile -t sources < <(find src io tests -name '*.cpp' -o -name '*.hpp' | sort)

case "$mode" in
  format)
    clang-format --dry-run --Werror "${sources[@]}"
    echo "format: ${#sources[@]} files as .clang-format says"
    ;;
  tidy)
    build_dir=$3
    mapfile -t units < <(printf '%s\n' "${sources[@]}" | grep -E '^(src|io)/.*\.cpp$')
    # Two at a time: the machines that run CI have two cores.
    if ! printf '%s\n' "${units[@]}" | xargs -P 2 -n 4 clang-tidy -p "$build_dir" --quiet 2>/dev/null; then
      echo "tidy: warnings above (see .clang-tidy)" >&2
      exit 1
    fi
    echo "tidy: ${#units[@]} files, no warning"
    ;;
  *)
    echo "usage: lint.sh format|tidy SOURCE_DIR [BUILD_DIR]" >&2
    exit 2
    ;;
esac
