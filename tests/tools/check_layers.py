#!/usr/bin/env python3
"""Fails when a source file includes a header of a layer it may not use.

The layers (docs/design.md), each a folder and a CMake library, and what each may include:
  base      src/base/      base only
  text      src/text/      base, text
  nmf       src/nmf/       base, nmf
  io        io/            base, nmf (the types it stores: factors, run state, solver state), io
  commands  src/commands/  every layer
Dependencies point downward only, so that compute code never includes a file format and
the base layer stands alone. Usage: check_layers.py PROJECT_ROOT
"""
import pathlib
import re
import sys

LAYERS = {  # folder prefix -> (layer, layers it may include)
    "src/base/": ("base", {"base"}),
    "src/text/": ("text", {"base", "text"}),
    "src/nmf/": ("nmf", {"base", "nmf"}),
    "io/": ("io", {"base", "nmf", "io"}),
    "src/commands/": ("commands", {"base", "text", "nmf", "io", "commands"}),
}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def layer_of(relative):
    for prefix, (layer, _) in LAYERS.items():
        if relative.startswith(prefix):
            return layer
    return None


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    checked = 0
    for prefix, (layer, allowed) in LAYERS.items():
        for path in sorted((root / prefix).rglob("*")):
            if path.suffix not in (".cpp", ".hpp"):
                continue
            checked += 1
            relative = path.relative_to(root).as_posix()
            for match in INCLUDE.finditer(path.read_text(encoding="utf-8")):
                target = match.group(1)
                target_layer = layer_of(target)
                line = path.read_text(encoding="utf-8").count("\n", 0, match.start()) + 1
                if target_layer is None:
                    problems.append(f"{relative}:{line}: includes \"{target}\", which is in no layer")
                elif target_layer not in allowed:
                    problems.append(f"{relative}:{line}: the {layer} layer includes \"{target}\" "
                                    f"of the {target_layer} layer (allowed: {', '.join(sorted(allowed))})")
    if checked == 0:
        print(f"check_layers: no sources under {root}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_layers: {len(problems)} include(s) point up the layers (see docs/design.md)", file=sys.stderr)
        return 1
    print(f"check_layers: {checked} files, every include points down the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
