"""Writes the generated files: one header/source pair per schema and the API table."""

import os

from cppgen import BANNER, cpp_message_name, decode_body, encode_body, default_check
from cpptypes import initializer, member_name, member_type, version_cond


def snake_of(path):
    return os.path.splitext(os.path.basename(path))[0]


def _needs_is_default(msg):
    """Structs that appear (transitively) as non-nullable tagged fields."""
    need = set()

    def mark(sd):
        if sd.name in need:
            return
        need.add(sd.name)
        for f in sd.fields:
            if f.struct is not None and not f.is_array:
                mark(f.struct)

    def scan(fields):
        for f in fields:
            if f.tag is not None and f.struct is not None and not f.is_array:
                mark(f.struct)

    scan(msg.fields)
    for sd in msg.structs:
        scan(sd.fields)
    return need


def _struct_decl(name, fields, with_is_default, indent):
    p = " " * indent
    out = [f"{p}struct {name} {{"]
    for f in fields:
        out.append(f"{p}  {member_type(f)} {member_name(f)}{initializer(f)};")
    if fields:
        out.append("")
    out.append(f"{p}  void decode(gregor::ByteReader& r, int16_t version);")
    out.append(f"{p}  void encode(gregor::ByteWriter& w, int16_t version) const;")
    if with_is_default:
        out.append(f"{p}  // True when every field holds its schema default (tagged-field rule).")
        out.append(f"{p}  bool is_default() const;")
    return out


def _message_decl(msg):
    cname = cpp_message_name(msg)
    need = _needs_is_default(msg)
    out = [f"struct {cname} {{"]
    for sd in msg.structs:
        out += _struct_decl(sd.name, sd.fields, sd.name in need, 2)
        out.append("  };")
        out.append("")
    body = _struct_decl(cname, msg.fields, False, 0)
    out += body[1:]
    out.append("};")
    return out


def _flex_line(schema):
    cond = version_cond(schema.flexible) if not schema.flexible.empty() else "false"
    return f"  [[maybe_unused]] const bool _flex = {cond or 'true'};"


def _functions(schema, qual, fields, with_is_default):
    out = [f"void {qual}::decode([[maybe_unused]] gregor::ByteReader& _r,",
           f"    [[maybe_unused]] int16_t _version) {{", _flex_line(schema)]
    out += ["  " + l for l in decode_body(fields)]
    out += ["}", ""]
    out += [f"void {qual}::encode([[maybe_unused]] gregor::ByteWriter& _w,",
            f"    [[maybe_unused]] int16_t _version) const {{", _flex_line(schema)]
    out += ["  " + l for l in encode_body(fields)]
    out += ["}", ""]
    if with_is_default:
        checks = [default_check(f, member_name(f)) for f in fields] or ["true"]
        out += [f"bool {qual}::is_default() const {{",
                "  return " + " &&\n         ".join(checks) + ";", "}", ""]
    return out


def header_text(schema, src_name):
    out = [BANNER.format(src=src_name).rstrip("\n"), "#pragma once", "",
           "#include <cstdint>", "#include <limits>", "#include <optional>", "#include <string>",
           "#include <vector>", "", '#include "base/byte_reader.h"', '#include "base/byte_writer.h"',
           '#include "base/types.h"', '#include "protocol/records.h"', "",
           "namespace gregor::protocol {", ""]
    for msg in schema.messages:
        out += _message_decl(msg)
        out.append("")
    if not schema.is_header():
        req = next(m for m in schema.messages if m.kind == "request")
        rsp = next(m for m in schema.messages if m.kind == "response")
        first_flex = -1 if schema.flexible.empty() else schema.flexible.lo
        out += [f"struct {schema.api_name}Api {{",
                f"  static constexpr int16_t key = {schema.key};",
                f"  static constexpr int16_t min_version = {schema.versions.lo};",
                f"  static constexpr int16_t max_version = {schema.versions.hi};",
                f"  static constexpr int16_t first_flexible = {first_flex};  // -1 = never",
                f'  static constexpr const char* name = "{schema.api_name}";',
                f"  using Request = {req.name};", f"  using Response = {rsp.name};", "};", ""]
    out += ["}  // namespace gregor::protocol", ""]
    return "\n".join(out)


def source_text(schema, src_name, include):
    out = [BANNER.format(src=src_name).rstrip("\n"), f'#include "{include}"', "",
           '#include "protocol/wire.h"', "", "namespace gregor::protocol {", ""]
    for msg in schema.messages:
        cname = cpp_message_name(msg)
        need = _needs_is_default(msg)
        for sd in msg.structs:
            out += _functions(schema, f"{cname}::{sd.name}", sd.fields, sd.name in need)
        out += _functions(schema, cname, msg.fields, False)
    out += ["}  // namespace gregor::protocol", ""]
    return "\n".join(out)


def table_texts(schemas):
    apis = sorted((s for s in schemas if not s.is_header()), key=lambda s: s.key)
    h = [BANNER.format(src="*.kp").rstrip("\n"),
         "// The version range of every API this broker decodes, by api key.",
         "#pragma once", "", "#include <cstdint>", "#include <span>", "",
         "namespace gregor::protocol {", "",
         "struct ApiInfo {", "  int16_t key;", "  const char* name;", "  int16_t min_version;",
         "  int16_t max_version;", "  int16_t first_flexible;  // -1 = never", "};", "",
         "// Every API with a schema, ordered by key.",
         "std::span<const ApiInfo> all_apis();", "",
         "// The entry for `key`, or nullptr if no schema has that key.",
         "const ApiInfo* find_api(int16_t key);", "",
         "}  // namespace gregor::protocol", ""]
    max_key = apis[-1].key if apis else 0
    c = [BANNER.format(src="*.kp").rstrip("\n"), '#include "protocol/messages/api_table.h"', "",
         "#include <array>", "", "namespace gregor::protocol {", "", "namespace {", "",
         f"constexpr std::array<ApiInfo, {len(apis)}> kApis = {{{{"]
    for s in apis:
        ff = -1 if s.flexible.empty() else s.flexible.lo
        c.append(f'    {{{s.key}, "{s.api_name}", {s.versions.lo}, {s.versions.hi}, {ff}}},')
    c += ["}};", "",
          "// Index into kApis by key; -1 where no API has that key.",
          f"constexpr std::array<int16_t, {max_key + 1}> kIndex = [] {{",
          f"  std::array<int16_t, {max_key + 1}> idx{{}};",
          "  idx.fill(-1);",
          "  for (size_t i = 0; i < kApis.size(); ++i) idx[static_cast<size_t>(kApis[i].key)] = "
          "static_cast<int16_t>(i);",
          "  return idx;", "}();", "", "}  // namespace", "",
          "std::span<const ApiInfo> all_apis() { return kApis; }", "",
          "const ApiInfo* find_api(int16_t key) {",
          "  if (key < 0 || static_cast<size_t>(key) >= kIndex.size()) return nullptr;",
          "  int16_t i = kIndex[static_cast<size_t>(key)];",
          "  return i < 0 ? nullptr : &kApis[static_cast<size_t>(i)];", "}", "",
          "}  // namespace gregor::protocol", ""]
    return "\n".join(h), "\n".join(c)


def visitor_text(schemas):
    apis = sorted((s for s in schemas if not s.is_header()), key=lambda s: s.key)
    out = [BANNER.format(src="*.kp").rstrip("\n"),
           "// Every API's messages, and a compile-time dispatch from an api key to its",
           "// descriptor (e.g. ProduceApi). Including this pulls in every message header;",
           "// include the single protocol/messages/<api>.h where that is enough.",
           "#pragma once", "", "#include <cstdint>", ""]
    out += [f'#include "protocol/messages/{snake_of(s.path)}.h"' for s in apis]
    out += ["", "namespace gregor::protocol {", "",
            "// Calls `v.template operator()<XxxApi>()` for the API with `key` and returns",
            "// true, or returns false if no schema has that key.",
            "template <typename Visitor>",
            "bool visit_api(int16_t key, Visitor&& v) {", "  switch (key) {"]
    for s in apis:
        out += [f"    case {s.key}:", f"      v.template operator()<{s.api_name}Api>();",
                "      return true;"]
    out += ["    default:", "      return false;", "  }", "}", "",
            "}  // namespace gregor::protocol", ""]
    return "\n".join(out)


def write_if_changed(path, text):
    """Leaves unchanged files untouched so that their dependents are not rebuilt."""
    try:
        with open(path, encoding="utf-8") as fh:
            if fh.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
