#!/usr/bin/env python3
"""Counts the sizes the team's rules bound (docs/design.md; TEAM rules: no function over 80 lines, no class over 500,
no command class over 200), in the Java sources under src/main (or the folders given).

How it counts: comments, string, text-block and char literals are blanked first (their line breaks kept), then braces
are matched. A function is a method, constructor or compact constructor: a '{' whose header (the text since the
previous ';', '{' or '}') ends in a parameter list, optionally followed by 'throws ...', and is not a control statement,
a lambda or an anonymous class. Its length is the lines from its header's first line to its closing brace, both
included (blank lines and comments inside count). A top-level class's length is its file's lines (imports and javadoc
included, as wc -l counts them); a nested class's, the lines from its header to its closing brace. A command class is a
top-level class of package cli. Lambdas and anonymous classes count
as part of the function that holds them.

Usage: docs/scripts/sizes.py [--function N] [--class N] [--command N] [DIR ...]   (defaults 80, 500, 200, src/main)
Prints every function and class over its bound, longest first; exits 0.
"""
import os
import re
import sys

CONTROL = {"if", "for", "while", "switch", "catch", "synchronized", "try", "do", "else", "return", "new", "throw"}


def blank(src):
    """Comments and literals replaced by spaces, line breaks kept, so that offsets and line numbers stay."""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith('"""', i):
            j = src.find('"""', i + 3)
            j = n if j < 0 else j + 3
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            j = min(n, j + 1)
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


FUNC = re.compile(r"(\b[A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:throws\s+[\w.,\s<>]+)?$", re.S)
COMPACT = re.compile(r"\b(?:public|protected|private)?\s*([A-Z]\w*)$")
TYPE = re.compile(r"\b(class|interface|enum|record)\s+([A-Za-z_]\w*)")


def scan(path):
    src = open(path, encoding="utf-8").read()
    code = blank(src)
    line_of = [0] * (len(code) + 1)
    ln = 1
    for k, ch in enumerate(code):
        line_of[k] = ln
        if ch == "\n":
            ln += 1
    functions, classes = [], []
    stack = []  # (kind, name, start_line)
    header_start = 0
    for k, ch in enumerate(code):
        if ch == "{":
            header = code[header_start:k].strip()
            first = header_start + (len(code[header_start:k]) - len(code[header_start:k].lstrip()))
            kind, name = "block", None
            t = TYPE.search(header)
            in_function = any(s[0] == "function" for s in stack)
            if t and not header.rstrip().endswith(")") or (t and t.group(1) == "record"):
                kind, name = "class", t.group(2)
            else:
                m = FUNC.search(header)
                words = header.split()
                if m and m.group(1) not in CONTROL and "->" not in header and not re.search(r"\bnew\s", header) \
                        and not in_function and words and words[0] not in CONTROL:
                    kind, name = "function", m.group(1)
                elif not in_function and stack and stack[-1][0] == "class" and COMPACT.search(header) \
                        and COMPACT.search(header).group(1) == stack[-1][1]:
                    kind, name = "function", stack[-1][1]
            stack.append((kind, name, line_of[first]))
            header_start = k + 1
        elif ch == "}":
            if stack:
                kind, name, start = stack.pop()
                length = line_of[k] - start + 1
                if kind == "function":
                    owner = ".".join(s[1] for s in stack if s[0] == "class")
                    functions.append((length, f"{owner}.{name}", path, start))
                elif kind == "class":
                    owner = ".".join(s[1] for s in stack if s[0] == "class")
                    if not owner:
                        length, start = src.count("\n") + (0 if src.endswith("\n") else 1), 1
                    classes.append((length, (owner + "." if owner else "") + name, path, start, not owner))
            header_start = k + 1
        elif ch == ";":
            header_start = k + 1
    return functions, classes


def main(argv):
    bounds = {"--function": 80, "--class": 500, "--command": 200}
    dirs = []
    i = 0
    while i < len(argv):
        if argv[i] in bounds:
            bounds[argv[i]] = int(argv[i + 1])
            i += 2
        else:
            dirs.append(argv[i])
            i += 1
    dirs = dirs or ["src/main"]
    functions, classes = [], []
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(".java"):
                    fs, cs = scan(os.path.join(root, f))
                    functions += fs
                    classes += cs
    over_f = sorted((f for f in functions if f[0] > bounds["--function"]), reverse=True)
    over_c = sorted((c for c in classes if c[0] > bounds["--class"]), reverse=True)
    over_cmd = sorted((c for c in classes if c[4] and "/cli/" in c[2] and bounds["--command"] < c[0] <= bounds["--class"]),
                      reverse=True)
    print(f"{len(functions)} functions, {len(classes)} classes read; "
          f"over the bounds: {len(over_f)} functions > {bounds['--function']}, {len(over_c)} classes > {bounds['--class']}, "
          f"{len(over_cmd)} more command classes > {bounds['--command']}")
    for length, name, path, start in over_f:
        print(f"function {length:4d}  {name}  {path}:{start}")
    for length, name, path, start, _ in over_c + over_cmd:
        print(f"class    {length:4d}  {name}  {path}:{start}")


if __name__ == "__main__":
    main(sys.argv[1:])
