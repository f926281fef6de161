"""Emits test support for one schema: functions that fill every field present
in a version with a non-default value (or, in the "nulls" variant, null where
the version allows it), registered as MessageCase entries for the round-trip
tests in src/protocol/tests/."""

from cppgen import BANNER, cpp_message_name, nullable_cond
from cpptypes import SCALARS, is_optional, member_name, version_cond, initializer


def _scalar_value(f, default_expr):
    t = f.type_name
    if t == "bool":
        return f"_f.boolean({default_expr})"
    if t == "float64":
        return "_f.f64()"
    if t == "uuid":
        return "_f.uuid()"
    return f"_f.integer<{SCALARS[t][0]}>({default_expr})"


def _element_fill(f, target):
    t = f.type_name
    if t in SCALARS:
        return [f"{target} = {_scalar_value(f, '0')};"]
    if t == "string":
        return [f"{target} = _f.str();"]
    if t == "bytes":
        return [f"{target} = _f.bytes();"]
    return [f"fill({target}, _version, _f);"]


def _field_fill(f):
    m = "_s." + member_name(f)
    nul = nullable_cond(f)
    t = f.type_name
    opt = is_optional(f)
    null_case = f"_f.nulls() && {nul}" if nul != "false" else None
    if f.is_array:
        body = [f"auto& _v = {m}{'.emplace()' if opt else ''};",
                f"_v.resize(_f.count());"]
        if t in SCALARS:
            body += [f"for (size_t _i = 0; _i < _v.size(); ++_i) {{"]
            body += ["  " + l for l in _element_fill(f, "_v[_i]")] + ["}"]
        else:
            body += ["for (auto& _e : _v) {"] + ["  " + l for l in _element_fill(f, "_e")] + ["}"]
        if opt and null_case:
            return ([f"if ({null_case}) {{", f"  {m}.reset();", "} else {"] +
                    ["  " + l for l in body] + ["}"])
        return ["{"] + ["  " + l for l in body] + ["}"]
    if t == "records":
        return [f"{m} = _f.records({null_case or 'false'});"]
    if t in SCALARS:
        init = initializer(f)
        return [f"{m} = {_scalar_value(f, init[3:] if init else '0')};"]
    if t in ("string", "bytes"):
        value = "_f.str()" if t == "string" else "_f.bytes()"
        if opt and null_case:
            return [f"if ({null_case}) {m}.reset();", f"else {m} = {value};"]
        return [f"{m} = {value};"]
    if not opt:
        return [f"fill({m}, _version, _f);"]
    if null_case:
        return [f"if ({null_case}) {m}.reset();",
                f"else fill({m}.emplace(decltype({m})::value_type{{}}), _version, _f);"]
    return [f"fill({m}.emplace(decltype({m})::value_type{{}}), _version, _f);"]


def _fill_function(qual, fields):
    out = [f"[[maybe_unused]] void fill([[maybe_unused]] {qual}& _s, [[maybe_unused]] int16_t _version,",
           "                           [[maybe_unused]] Filler& _f) {"]
    for f in fields:
        lines = _field_fill(f)
        cond = version_cond(f.versions)
        if cond:
            out += [f"  if ({cond}) {{"] + ["    " + l for l in lines] + ["  }"]
        else:
            out += ["  " + l for l in lines]
    out += ["}", ""]
    return out


def cases_text(schema, src_name, name):
    out = [BANNER.format(src=src_name).rstrip("\n"),
           f'#include "protocol/messages/{name}.h"',
           '#include "protocol/tests/message_case.h"', "",
           "namespace gregor::protocol::testing {", "", "namespace {", ""]
    for msg in schema.messages:
        cname = cpp_message_name(msg)
        for sd in msg.structs:
            out += _fill_function(f"{cname}::{sd.name}", sd.fields)
        out += _fill_function(cname, msg.fields)
    out += ["}  // namespace", "",
            f"void add_{name}_cases(std::vector<MessageCase>& out) {{"]
    for msg in schema.messages:
        cname = cpp_message_name(msg)
        key = schema.key if schema.key is not None else -1
        out.append(f'  out.push_back(make_case<{cname}>("{cname}", {key}, {schema.versions.lo}, '
                   f'{schema.versions.hi}, &fill));')
    out += ["}", "", "}  // namespace gregor::protocol::testing", ""]
    return "\n".join(out)


def all_cases_text(names):
    out = [BANNER.format(src="*.kp").rstrip("\n"), '#include "protocol/tests/message_case.h"', "",
           "namespace gregor::protocol::testing {", ""]
    out += [f"void add_{n}_cases(std::vector<MessageCase>& out);" for n in names]
    out += ["", "std::vector<MessageCase> all_cases() {", "  std::vector<MessageCase> out;"]
    out += [f"  add_{n}_cases(out);" for n in names]
    out += ["  return out;", "}", "", "}  // namespace gregor::protocol::testing", ""]
    return "\n".join(out)
