#!/usr/bin/env python3
"""Prints the longest C++ functions under the given folders and fails when one is longer
than --limit lines (the structure rule: no function over 80 lines in src/ and io/).

A function is a definition at namespace or class scope: a header with a parameter list,
then a body in braces. Its length is counted from the line of its name to the line of its
closing brace, as a reader sees it. Comments and string literals are blanked first, so
braces inside them do not count.
"""
import argparse
import pathlib
import re
import sys


def blank_comments_and_strings(text):
    """Replaces comments and the insides of string/char literals by spaces, keeping newlines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + '"')
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j]) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*$")


def functions(path):
    text = blank_comments_and_strings(path.read_text(encoding="utf-8", errors="replace"))
    # Preprocessor lines never open a function.
    text = re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group(0)), text)
    scopes = []  # "space" (namespace, class, extern) or "body" (function or other braces)
    header_start = 0
    found = []
    for i, c in enumerate(text):
        if c in ";":
            if not scopes or scopes[-1][0] == "space":
                header_start = i + 1
        elif c == "{":
            in_space = not scopes or scopes[-1][0] == "space"
            header = text[header_start:i]
            kind = "body"
            if in_space:
                flat = " ".join(header.split())
                if re.search(r"\b(namespace|class|struct|union|enum)\b[^()]*$", flat) or flat.startswith('extern "'):
                    kind = "space"
                elif "(" in flat and ")" in flat and not re.search(r"=\s*[^=]*\(", flat.split("(")[0] + "(") \
                        and not CONTROL.search(flat.split("(")[0]):
                    name = re.findall(r"([~\w:<>]+)\s*\(", flat)
                    start_line = text.count("\n", 0, header_start + len(header) - len(header.lstrip())) + 1
                    kind = ("function", name[0] if name else "?", start_line)
            scopes.append((kind if isinstance(kind, str) else "function", kind, i))
            header_start = i + 1
        elif c == "}":
            if not scopes:
                continue
            scope_kind, detail, _ = scopes.pop()
            if scope_kind == "function" and isinstance(detail, tuple):
                end_line = text.count("\n", 0, i) + 1
                found.append((end_line - detail[2] + 1, detail[1], detail[2]))
            if not scopes or scopes[-1][0] == "space":
                header_start = i + 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=pathlib.Path)
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("--show", type=int, default=10, help="how many of the longest to print")
    args = parser.parse_args()
    rows = []
    for folder in args.folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".cpp", ".hpp", ".h", ".cc"):
                rows += [(length, f"{path}:{line}", name) for length, name, line in functions(path)]
    rows.sort(reverse=True)
    print(f"longest functions in {' '.join(map(str, args.folders))} (limit {args.limit} lines):")
    for length, where, name in rows[: args.show]:
        print(f"  {length:4d}  {name}  {where}")
    over = [row for row in rows if row[0] > args.limit]
    if over:
        print(f"{len(over)} function(s) longer than {args.limit} lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
