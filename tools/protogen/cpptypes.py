"""C++ spelling of schema types: member types, initialisers, default checks."""

from kpschema import OPEN

KEYWORDS = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
    "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
    "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
    "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
    "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
    "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
    "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
    "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
    "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
}

SCALARS = {
    "bool": ("bool", "boolean", 1),
    "int8": ("int8_t", "i8", 1),
    "int16": ("int16_t", "i16", 2),
    "uint16": ("uint16_t", "u16", 2),
    "int32": ("int32_t", "i32", 4),
    "uint32": ("uint32_t", "u32", 4),
    "int64": ("int64_t", "i64", 8),
    "float64": ("double", "f64", 8),
    "uuid": ("gregor::Uuid", "uuid", 16),
}

_LIMITS = {
    "int8": (-(1 << 7), (1 << 7) - 1), "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1),
    "uint16": (0, (1 << 16) - 1), "uint32": (0, (1 << 32) - 1),
}


def member_name(f):
    return f.name + "_" if f.name in KEYWORDS else f.name


def element_type(f):
    t = f.type_name
    if t in SCALARS:
        return SCALARS[t][0]
    if t == "string":
        return "std::string"
    if t == "bytes":
        return "std::vector<uint8_t>"
    if t == "records":
        return "gregor::protocol::Records"
    return f.struct.name


def value_type(f):
    """Type of the field without the optional<> wrapper."""
    return f"std::vector<{element_type(f)}>" if f.is_array else element_type(f)


def is_optional(f):
    """Nullable in some version, and not records (which carries its own is_null)."""
    return f.nullable_ever() and f.type_name != "records"


def member_type(f):
    return f"std::optional<{value_type(f)}>" if is_optional(f) else value_type(f)


def int_literal(type_name, text, where):
    v = int(text, 0)
    lo, hi = _LIMITS[type_name]
    if not lo <= v <= hi:
        raise ValueError(f"{where}: default {text} out of range for {type_name}")
    ctype = SCALARS[type_name][0]
    if v == lo and v < 0:
        return f"std::numeric_limits<{ctype}>::min()"
    if type_name in ("int64",):
        return f"INT64_C({v})"
    if type_name == "uint32":
        return f"UINT32_C({v})"
    return str(v)


def _cpp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def initializer(f):
    """The default member initializer (" = ..."), or "" when value-initialised
    members already equal the schema default."""
    d = f.default
    where = f"field '{f.name}'"
    if d == "null":
        return ""  # optional<> is disengaged; records is_null by default
    if f.is_array:
        if d not in (None, "", "[]"):
            raise ValueError(f"{where}: arrays only default to empty or null")
        return " = std::vector<%s>{}" % element_type(f) if is_optional(f) else ""
    t = f.type_name
    if t in _LIMITS:
        return " = 0" if d is None else f" = {int_literal(t, d, where)}"
    if t == "bool":
        if d is None:
            return " = false"
        if d not in ("true", "false"):
            raise ValueError(f"{where}: bad bool default {d}")
        return f" = {d}"
    if t == "float64":
        return " = 0.0" if d is None else f" = {float(d)!r}"
    if t == "string":
        if d:
            return f" = std::string({_cpp_string(d)})"
        return " = std::string()" if is_optional(f) else ""
    if t == "bytes":
        return " = std::vector<uint8_t>{}" if is_optional(f) else ""
    if t in ("uuid", "records"):
        if d not in (None, ""):
            raise ValueError(f"{where}: {t} has no default value syntax")
        return ""
    # struct
    if d not in (None, ""):
        raise ValueError(f"{where}: structs only default to null")
    return f" = {f.struct.name}{{}}" if is_optional(f) else ""


def version_cond(rng, var="_version"):
    """C++ condition for `var` inside rng; None when always true."""
    parts = []
    if rng.lo > 0:
        parts.append(f"{var} >= {rng.lo}")
    if rng.hi != OPEN:
        parts.append(f"{var} <= {rng.hi}")
    if rng.empty():
        return "false"
    return " && ".join(parts) if parts else None
