#!/usr/bin/env python3
"""protogen: turns the protocol schema files (src/protocol/schema/*.kp) into C++.

  protogen.py message <schema.kp> <out_dir>   -> <out_dir>/protocol/messages/<name>.h/.cc
  protogen.py table <out_dir> <schema.kp>...  -> <out_dir>/protocol/messages/api_table.h/.cc, all_messages.h
  protogen.py cases <schema.kp> <out_dir>     -> <out_dir>/protocol/testing/<name>_cases.cc
  protogen.py all-cases <out_dir> <schema.kp>...  -> <out_dir>/protocol/testing/all_cases.cc
  protogen.py check <schema.kp>...            -> parse and validate only

Python 3 standard library only; run by CMake (src/protocol/CMakeLists.txt).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import emit  # noqa: E402
import fillgen  # noqa: E402
import kpschema  # noqa: E402


def _load(path):
    try:
        return kpschema.parse(path)
    except (kpschema.SchemaError, ValueError, KeyError) as e:
        sys.exit(f"protogen: {path}: {e}" if not isinstance(e, kpschema.SchemaError) else
                 f"protogen: {e}")


def _repo_relative(path):
    """The schema's path from the repository root, for the generated files' banner."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.relpath(os.path.abspath(path), root)


def cmd_message(path, out_dir):
    schema = _load(path)
    name = emit.snake_of(path)
    base = os.path.join(out_dir, "protocol", "messages", name)
    src = _repo_relative(path)
    try:
        header = emit.header_text(schema, src)
        source = emit.source_text(schema, src, f"protocol/messages/{name}.h")
    except ValueError as e:
        sys.exit(f"protogen: {path}: {e}")
    emit.write_if_changed(base + ".h", header)
    emit.write_if_changed(base + ".cc", source)


def cmd_table(out_dir, paths):
    schemas = [_load(p) for p in paths]
    keys = {}
    for s in schemas:
        if s.is_header():
            continue
        if s.key in keys:
            sys.exit(f"protogen: api key {s.key} in both {keys[s.key]} and {s.path}")
        keys[s.key] = s.path
    h, c = emit.table_texts(schemas)
    base = os.path.join(out_dir, "protocol", "messages", "api_table")
    emit.write_if_changed(base + ".h", h)
    emit.write_if_changed(base + ".cc", c)
    emit.write_if_changed(os.path.join(out_dir, "protocol", "messages", "all_messages.h"),
                          emit.visitor_text(schemas))


def cmd_cases(path, out_dir):
    schema = _load(path)
    name = emit.snake_of(path)
    try:
        text = fillgen.cases_text(schema, _repo_relative(path), name)
    except ValueError as e:
        sys.exit(f"protogen: {path}: {e}")
    emit.write_if_changed(os.path.join(out_dir, "protocol", "testing", name + "_cases.cc"), text)


def cmd_all_cases(out_dir, paths):
    names = sorted(emit.snake_of(p) for p in paths)
    emit.write_if_changed(os.path.join(out_dir, "protocol", "testing", "all_cases.cc"),
                          fillgen.all_cases_text(names))


def main(argv):
    if len(argv) >= 3 and argv[1] == "message":
        for p in argv[2:-1]:
            cmd_message(p, argv[-1])
    elif len(argv) >= 3 and argv[1] == "table":
        cmd_table(argv[2], argv[3:])
    elif len(argv) == 4 and argv[1] == "cases":
        cmd_cases(argv[2], argv[3])
    elif len(argv) >= 3 and argv[1] == "all-cases":
        cmd_all_cases(argv[2], argv[3:])
    elif len(argv) >= 2 and argv[1] == "check":
        for p in argv[2:]:
            _load(p)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
