"""Parser for the project's protocol schema format (.kp files).

The format is described in src/protocol/README.md. This module turns one file
into a small object model (Schema -> Message -> StructDef -> Field) and checks
it; it knows nothing about C++.
"""

import re

OPEN = 0x7FFF  # upper bound of an open version range ("3+")

PRIMITIVES = {
    "bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64",
    "string", "bytes", "uuid", "records",
}


class SchemaError(Exception):
    def __init__(self, path, line, msg):
        super().__init__(f"{path}:{line}: {msg}")


class Versions:
    """An inclusive version range; empty when lo > hi ("none"/"never")."""

    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @staticmethod
    def parse(text):
        if text in ("none", "never"):
            return Versions(1, 0)
        m = re.fullmatch(r"(\d+)(\+|-(\d+))?", text)
        if not m:
            raise ValueError(f"bad version range '{text}'")
        lo = int(m.group(1))
        if m.group(2) == "+":
            return Versions(lo, OPEN)
        if m.group(3) is not None:
            return Versions(lo, int(m.group(3)))
        return Versions(lo, lo)

    def empty(self):
        return self.lo > self.hi

    def contains(self, v):
        return self.lo <= v <= self.hi

    def intersect(self, other):
        return Versions(max(self.lo, other.lo), min(self.hi, other.hi))

    def covers(self, other):
        """True if every version of `other` is in self."""
        return other.empty() or (self.lo <= other.lo and other.hi <= self.hi)

    def __eq__(self, other):
        if self.empty() and other.empty():
            return True
        return (self.lo, self.hi) == (other.lo, other.hi)

    def __repr__(self):
        if self.empty():
            return "none"
        if self.hi == OPEN:
            return f"{self.lo}+"
        return f"{self.lo}" if self.lo == self.hi else f"{self.lo}-{self.hi}"


class Field:
    def __init__(self, name, type_name, is_array, versions, nullable, line):
        self.name = name              # snake_case, as written in the schema
        self.type_name = type_name    # primitive or struct name (element type for arrays)
        self.is_array = is_array
        self.versions = versions
        self.nullable = nullable      # Versions in which null is allowed
        self.tag = None               # int when tagged
        self.tagged = Versions(1, 0)  # versions in which the field is tagged
        self.default = None           # text of the default, None = implicit
        self.ignorable = False
        self.noflex = False           # always use non-compact encodings
        self.children = []            # inline struct fields
        self.struct = None            # StructDef, resolved later
        self.line = line

    def is_struct(self):
        return self.type_name not in PRIMITIVES

    def nullable_ever(self):
        return not self.nullable.empty()


class StructDef:
    def __init__(self, name, fields, versions, line):
        self.name = name          # C++ name (may carry a numeric suffix)
        self.fields = fields
        self.versions = versions
        self.line = line


class Message:
    """The request, the response, or a header: a top-level struct."""

    def __init__(self, kind, name, line):
        self.kind = kind          # "request" | "response" | "header" | "data"
        self.name = name
        self.fields = []
        self.common = {}          # name -> StructDef (shared structs)
        self.structs = []         # every nested StructDef, dependencies first
        self.line = line


class Schema:
    def __init__(self, path):
        self.path = path
        self.api_name = None
        self.key = None
        self.versions = None
        self.flexible = Versions(1, 0)
        self.messages = []  # request, response (api) or the single header

    def is_header(self):
        return self.key is None


_TYPE_RE = re.compile(r"(\[\])?([A-Za-z][A-Za-z0-9]*)(\?(\S*))?")


def _parse_kv(tokens, path, lineno):
    out = {}
    for t in tokens:
        if "=" not in t:
            raise SchemaError(path, lineno, f"expected key=value, got '{t}'")
        k, v = t.split("=", 1)
        out[k] = v
    return out


def _parse_field(text, path, lineno):
    tokens = text.split()
    if len(tokens) < 2:
        raise SchemaError(path, lineno, "a field needs a name and a type")
    name, type_text = tokens[0], tokens[1]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        raise SchemaError(path, lineno, f"field name '{name}' must be snake_case")
    m = _TYPE_RE.fullmatch(type_text)
    if not m:
        raise SchemaError(path, lineno, f"bad type '{type_text}'")
    versions = Versions(0, OPEN)
    nullable = Versions(1, 0)
    if m.group(3):
        nullable = Versions.parse(m.group(4)) if m.group(4) else Versions(0, OPEN)
    f = Field(name, m.group(2), bool(m.group(1)), versions, nullable, lineno)
    if f.type_name == "records" and f.is_array:
        raise SchemaError(path, lineno, "arrays of records are not a Kafka type")
    for t in tokens[2:]:
        try:
            if re.fullmatch(r"v\d.*", t):
                f.versions = Versions.parse(t[1:])
            elif t.startswith("tag="):
                num, _, rng = t[4:].partition("@")
                f.tag = int(num)
                f.tagged = Versions.parse(rng) if rng else Versions(0, OPEN)
            elif t.startswith("default="):
                f.default = t[len("default="):]
            elif t == "ignorable":
                f.ignorable = True
            elif t == "noflex":
                f.noflex = True
            else:
                raise ValueError(f"unknown attribute '{t}'")
        except ValueError as e:
            raise SchemaError(path, lineno, str(e)) from None
    if f.default == '""':
        f.default = ""
    return f


def _lines(path):
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            text = raw.split("#", 1)[0].rstrip()
            if text.strip():
                if "\t" in text:
                    raise SchemaError(path, lineno, "use spaces, not tabs")
                yield lineno, len(text) - len(text.lstrip(" ")), text.strip()


def parse(path):
    """Parses one .kp file into a checked Schema."""
    schema = Schema(path)
    msg = None          # current Message
    target = None       # list receiving top-level fields of the current block
    stack = []          # (indent, Field) of open inline structs
    for lineno, indent, text in _lines(path):
        if indent == 0:
            stack = []
            word, *rest = text.split()
            if word == "api":
                if not rest:
                    raise SchemaError(path, lineno, "api needs a name")
                kv = _parse_kv(rest[1:], path, lineno)
                schema.api_name = rest[0]
                schema.key = int(kv["key"])
                schema.versions = Versions.parse(kv["versions"])
                schema.flexible = Versions.parse(kv.get("flexible", "never"))
            elif word in ("header", "data"):
                kv = _parse_kv(rest[1:], path, lineno)
                schema.versions = Versions.parse(kv["versions"])
                schema.flexible = Versions.parse(kv.get("flexible", "never"))
                msg = Message(word, rest[0], lineno)
                schema.messages.append(msg)
                target = msg.fields
            elif word in ("request", "response"):
                if schema.key is None:
                    raise SchemaError(path, lineno, f"'{word}' before the 'api' line")
                msg = Message(word, rest[0], lineno)
                schema.messages.append(msg)
                target = msg.fields
            elif word == "struct":
                if msg is None:
                    raise SchemaError(path, lineno, "a shared struct belongs after its message")
                vers = Versions(0, OPEN)
                if len(rest) > 1 and rest[1].startswith("v"):
                    vers = Versions.parse(rest[1][1:])
                if rest[0] in msg.common:
                    raise SchemaError(path, lineno, f"struct {rest[0]} defined twice")
                sd = StructDef(rest[0], [], vers, lineno)
                msg.common[rest[0]] = sd
                target = sd.fields
            else:
                raise SchemaError(path, lineno, f"unknown section '{word}'")
            continue
        if target is None:
            raise SchemaError(path, lineno, "field outside a section")
        f = _parse_field(text, path, lineno)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if stack:
            parent = stack[-1][1]
            if not parent.is_struct():
                raise SchemaError(path, lineno, f"'{parent.name}' is not a struct")
            parent.children.append(f)
        else:
            target.append(f)
        stack.append((indent, f))
    if schema.versions is None:
        raise SchemaError(path, 1, "missing 'api', 'header' or 'data' line")
    for m in schema.messages:
        _resolve(schema, m)
    _check_messages(schema)
    return schema


def _check_messages(schema):
    kinds = [m.kind for m in schema.messages]
    if schema.is_header():
        if kinds not in (["header"], ["data"]):
            raise SchemaError(schema.path, 1, "a header or data file holds exactly one struct")
    elif sorted(kinds) != ["request", "response"]:
        raise SchemaError(schema.path, 1, "an api file holds one request and one response")


def _signature(fields):
    return tuple((f.name, f.type_name, f.is_array, repr(f.versions), repr(f.nullable), f.tag,
                  repr(f.tagged), f.default, _signature(f.children)) for f in fields)


def _resolve(schema, msg):
    """Binds struct-typed fields to StructDefs, gives clashing inline structs a
    numeric suffix, and orders msg.structs so that dependencies come first."""
    by_name = {}  # C++ name -> (signature, StructDef)
    for sd in msg.common.values():
        by_name[sd.name] = (_signature(sd.fields), sd)
    ordered = []

    def visit_fields(fields):
        for f in fields:
            _check_field(schema, f)
            if not f.is_struct():
                if f.children:
                    raise SchemaError(schema.path, f.line, f"primitive '{f.name}' has nested fields")
                continue
            if f.children:
                sig = _signature(f.children)
                name = f.type_name
                n = 2
                while name in by_name and by_name[name][0] != sig:
                    name = f"{f.type_name}{n}"
                    n += 1
                if name not in by_name:
                    by_name[name] = (sig, StructDef(name, f.children, f.versions, f.line))
                    visit_struct(by_name[name][1])
                f.struct = by_name[name][1]
            else:
                if f.type_name not in msg.common:
                    raise SchemaError(schema.path, f.line, f"unknown struct '{f.type_name}'")
                f.struct = msg.common[f.type_name]
                visit_struct(f.struct)

    def visit_struct(sd):
        if sd in ordered or getattr(sd, "_visiting", False):
            return
        sd._visiting = True
        visit_fields(sd.fields)
        sd._visiting = False
        ordered.append(sd)

    visit_fields(msg.fields)
    for sd in msg.common.values():
        visit_struct(sd)
    msg.structs = ordered


def _check_field(schema, f):
    path = schema.path
    if not f.nullable.empty() and f.type_name in ("bool", "int8", "int16", "uint16", "int32",
                                                   "uint32", "int64", "float64", "uuid") \
            and not f.is_array:
        raise SchemaError(path, f.line, f"'{f.name}': {f.type_name} cannot be nullable")
    if f.tag is not None:
        if f.tagged.hi != OPEN:
            raise SchemaError(path, f.line, "tagged versions must be open-ended")
        if not schema.flexible.covers(f.tagged.intersect(schema.versions)):
            raise SchemaError(path, f.line, "tagged versions must be flexible versions")
        if f.type_name == "records":
            raise SchemaError(path, f.line, "records cannot be a tagged field")
    if f.default == "null" and not f.nullable.covers(f.versions.intersect(Versions(0, OPEN))):
        if f.nullable.empty():
            raise SchemaError(path, f.line, f"'{f.name}': default null needs a nullable type")
