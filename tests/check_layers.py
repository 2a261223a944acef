#!/usr/bin/env python3
"""check_layers.py — no layer includes a higher one (docs/ARCHITECTURE.md).

usage: check_layers.py [REPO_ROOT]

Every `#include "..."` in src/ and include/embview/ is placed in a layer:
src/<folder>/... is the layer <folder>; a public header include/embview/H is
the layer that implements it (PUBLIC below).  A file may include its own
layer and lower ones, never a higher one.  Two more checks keep the lists
honest: each function a public header declares must be defined in that
header's layer (so a header cannot be mapped to a layer it does not live
in), and LAYERS must equal the order written in docs/ARCHITECTURE.md.
Prints one line per violation and exits 1 when there is any.
"""
import os
import re
import sys

# Lowest first: the one list; docs/ARCHITECTURE.md states the same order.
LAYERS = ["core", "io", "pca", "knn", "embed", "analysis", "report", "server", "cli"]

# include/embview/<header> -> the layer whose sources implement it.
PUBLIC = {
    "error.h": "core",
    "progress.h": "core",
    "matrix.h": "core",
    "table.h": "core",
    "sparse.h": "core",
    "output.h": "core",
    "version.h": "core",
    "threads.h": "core",
    "json.h": "core",
    "io.h": "io",
    "tensorboard.h": "io",
    "thumbnails.h": "io",
    "pca.h": "pca",
    "knn.h": "knn",
    "tsne.h": "embed",
    "umap.h": "embed",
    "map.h": "embed",
    "analysis.h": "analysis",
    "report.h": "report",
    "embview.h": "report",  # the umbrella includes every header: for programs, not the library
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
DECLARED = re.compile(r"\b(ev_[a-z0-9_]+)\s*\(")
DEFINED = re.compile(r"^[A-Za-z_][\w \t*]*?\b(ev_[a-z0-9_]+)\s*\([^;{]*\)\s*\{", re.M)


def public_name(path):
    """include/embview/version.h.in is version.h once CMake has made it."""
    name = os.path.basename(path)
    return name[:-3] if name.endswith(".h.in") else name


def rank(layer):
    return LAYERS.index(layer)


def layer_of_include(target, includer_layer, problems, where):
    """The layer of an #include target, or None (reported) when unknown."""
    parts = target.split("/")
    if len(parts) == 1:
        return includer_layer  # a header beside the file
    if parts[0] == "embview":
        if parts[1] not in PUBLIC:
            problems.append(f"{where}: public header {target} is not in check_layers.py's PUBLIC map")
            return None
        return PUBLIC[parts[1]]
    if parts[0] not in LAYERS:
        problems.append(f"{where}: {target}: folder src/{parts[0]} is not a layer in check_layers.py")
        return None
    return parts[0]


def files_under(root, top, suffixes):
    for dirpath, _, names in os.walk(os.path.join(root, top)):
        for name in sorted(names):
            if name.endswith(suffixes):
                path = os.path.join(dirpath, name)
                yield path, os.path.relpath(path, root)


def check_includes(root, problems):
    sources = [(p, rel, rel.split("/")[1]) for p, rel in files_under(root, "src", (".c", ".h"))]
    sources += [(p, rel, PUBLIC.get(public_name(p))) for p, rel in files_under(root, "include/embview", (".h", ".h.in"))]
    for path, rel, layer in sources:
        if layer is None:
            problems.append(f"{rel}: not in check_layers.py's PUBLIC map")
            continue
        if layer not in LAYERS:
            problems.append(f"{rel}: folder src/{layer} is not a layer in check_layers.py")
            continue
        text = open(path, encoding="utf-8").read()
        for m in INCLUDE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            where = f"{rel}:{line}"
            target = layer_of_include(m.group(1), layer, problems, where)
            if target is not None and rank(target) > rank(layer):
                problems.append(f'{where}: {layer} includes "{m.group(1)}" of the higher layer {target}')
    return len(sources)


def check_public_map(root, problems):
    defined = {}  # function -> layers defining it
    for path, rel in files_under(root, "src", ".c"):
        text = COMMENT.sub(" ", open(path, encoding="utf-8").read())
        for m in DEFINED.finditer(text):
            defined.setdefault(m.group(1), set()).add(rel.split("/")[1])
    for header, layer in sorted(PUBLIC.items()):
        path = os.path.join(root, "include", "embview", header)
        if not os.path.exists(path):
            path += ".in"  # made by CMake in the build tree
        if not os.path.exists(path):
            problems.append(f"include/embview/{header}: in check_layers.py's PUBLIC map, but not in include/embview")
            continue
        text = COMMENT.sub(" ", open(path, encoding="utf-8").read())
        text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
        for name in sorted(set(DECLARED.findall(text))):
            for other in sorted(defined.get(name, set()) - {layer}):
                problems.append(f"include/embview/{header}: {name} is defined in src/{other}/, "
                                f"but the header is mapped to {layer}")


def check_docs(root, problems):
    doc = open(os.path.join(root, "docs", "ARCHITECTURE.md"), encoding="utf-8").read()
    m = re.search(r"^Layers, lowest first.*$", doc, re.M)
    if not m:
        problems.append("docs/ARCHITECTURE.md: no line 'Layers, lowest first: ...' to compare with")
        return
    written = re.findall(r"`(\w+)`", m.group(0).split(":", 1)[1])
    if written != LAYERS:
        problems.append(f"docs/ARCHITECTURE.md says {' -> '.join(written)}; check_layers.py says {' -> '.join(LAYERS)}")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = []
    n = check_includes(root, problems)
    check_public_map(root, problems)
    check_docs(root, problems)
    for p in problems:
        print(p)
    print(f"check_layers: {n} files, {len(problems)} violation(s) of {' -> '.join(LAYERS)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
