"""Parse include/tessera/tessera.h into a small model for the generators.

The header is the single source of truth for every binding. This parser
understands the subset of C the header uses (it is kept that way on purpose):
enums, `typedef struct X* name;` handles, plain structs, one function-pointer
typedef, #define integer constants, and `TSR_API <ret> <name>(<params>);`.
Each item keeps the comment block above it as its documentation.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEADER = os.path.join(ROOT, "include", "tessera", "tessera.h")


@dataclass
class Param:
    ctype: str  # normalized C type, e.g. "const int64_t*"
    name: str


@dataclass
class Function:
    name: str
    ret: str
    params: list[Param]
    doc: str = ""


@dataclass
class Enum:
    name: str  # typedef name, or "" for anonymous flag enums
    members: list[tuple[str, int]]
    doc: str = ""
    member_docs: dict[str, str] = field(default_factory=dict)  # trailing /* */ of a member


@dataclass
class Struct:
    name: str
    fields: list[tuple[str, str, int]]  # (ctype, name, array length or 0)
    doc: str = ""
    field_docs: dict[str, str] = field(default_factory=dict)  # trailing /* */ of a field


@dataclass
class Header:
    defines: dict[str, int] = field(default_factory=dict)
    enums: list[Enum] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    structs: list[Struct] = field(default_factory=list)
    callbacks: list[Function] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _doc_before(text: str, pos: int) -> str:
    """The /* */ or /** */ comment that ends right before `pos`, if any."""
    before = text[:pos].rstrip()
    if not before.endswith("*/"):
        return ""
    start = before.rfind("/*")
    body = before[start + 2 : -2].lstrip("*")
    lines = [re.sub(r"^\s*\*\s?", "", l).rstrip() for l in body.splitlines()]
    # Section banners ("/* ---- ... ---- */") frame their text with rules.
    lines = [l for l in lines if not re.fullmatch(r"\s*[-=]{4,}\s*", l)]
    return "\n".join(l for l in lines).strip()


def _trailing_docs(block: str) -> dict[str, str]:
    """`name ... /* text */` pairs of a raw enum or struct body."""
    docs = {}
    for m in re.finditer(r"([A-Za-z_]\w*)\s*(?:\[\w+\])?\s*(?:=[^,;/]*)?[,;]?\s*/\*(.*?)\*/", block, flags=re.S):
        docs[m.group(1)] = re.sub(r"\s+", " ", m.group(2)).strip()
    return docs


def _raw_body(raw: str, opener: str) -> str:
    """The raw text (comments kept) between the brace after `opener` and its close."""
    start = raw.find("{", raw.find(opener))
    return raw[start + 1 : raw.find("}", start)]


def _norm_type(t: str) -> str:
    t = re.sub(r"\s+", " ", t.strip())
    t = re.sub(r"\s*\*", "*", t)
    return t


def _eval_enum_value(expr: str, known: dict[str, int]) -> int:
    expr = expr.strip().replace("u", "") if re.fullmatch(r"[\d\sux<()]+", expr.strip()) else expr
    expr = re.sub(r"(\d+)u\b", r"\1", expr)
    return int(eval(expr, {"__builtins__": {}}, dict(known)))


def _parse_params(s: str) -> list[Param]:
    s = s.strip()
    if s in ("", "void"):
        return []
    out = []
    for p in s.split(","):
        p = p.strip()
        m = re.match(r"(.*?)([A-Za-z_]\w*)$", p)
        if not m:
            raise ValueError(f"cannot parse parameter {p!r}")
        out.append(Param(_norm_type(m.group(1)), m.group(2)))
    return out


def parse(path: str = HEADER) -> Header:
    raw = open(path, encoding="utf-8").read()
    code = _strip_comments(raw)
    h = Header()
    for m in re.finditer(r"#define\s+(TSR_\w+)\s+(-?\d+)\s*$", code, flags=re.M):
        h.defines[m.group(1)] = int(m.group(2))
    known: dict[str, int] = dict(h.defines)
    for m in re.finditer(r"(typedef\s+)?enum\s*(\w*)\s*(?:TSR_ENUM_TYPE\s*)?\{(.*?)\}\s*(\w*)\s*;", code, flags=re.S):
        name = m.group(4) or m.group(2) or ""
        members, nxt = [], 0
        for item in m.group(3).split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                k, v = item.split("=", 1)
                nxt = _eval_enum_value(v, known)
                k = k.strip()
            else:
                k = item
            members.append((k, nxt))
            known[k] = nxt
            nxt += 1
        opener = m.group(0)[:40]
        h.enums.append(Enum(name if m.group(1) else "", members, _doc_before(raw, raw.find(opener)),
                            _trailing_docs(_raw_body(raw, opener))))
    for m in re.finditer(r"typedef\s+struct\s+\w+\s*\*\s*(\w+)\s*;", code):
        h.handles.append(m.group(1))
    for m in re.finditer(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", code, flags=re.S):
        fields = []
        for decl in m.group(2).split(";"):
            decl = decl.strip()
            if not decl:
                continue
            fm = re.match(r"(.*?)([A-Za-z_]\w*)\s*(?:\[(\w+)\])?$", decl)
            n = fm.group(3)
            length = (int(n) if n.isdigit() else known[n]) if n else 0
            fields.append((_norm_type(fm.group(1)), fm.group(2), length))
        opener = f"typedef struct {m.group(1)} {{"
        pos = raw.find(opener)
        h.structs.append(Struct(m.group(3), fields, _doc_before(raw, pos) if pos >= 0 else "",
                                _trailing_docs(_raw_body(raw, opener)) if pos >= 0 else {}))
    for m in re.finditer(r"typedef\s+(\w+)\s*\(\s*\*\s*(\w+)\s*\)\s*\((.*?)\)\s*;", code, flags=re.S):
        h.callbacks.append(Function(m.group(2), m.group(1), _parse_params(m.group(3))))
    for m in re.finditer(r"TSR_API\s+([\w\s\*]+?)\s*\b(tsr_\w+)\s*\((.*?)\)\s*;", code, flags=re.S):
        ret, name, params = _norm_type(m.group(1)), m.group(2), m.group(3)
        # The declaration itself, not an earlier mention of the name in a comment.
        idx = re.search(rf"^TSR_API\b[^;]*?\b{name}\s*\(", raw, flags=re.M).start()
        line_start = raw.rfind("\n", 0, idx) + 1
        h.functions.append(Function(name, ret, _parse_params(params), _doc_before(raw, line_start)))
    return h


if __name__ == "__main__":
    hdr = parse()
    print(f"{len(hdr.functions)} functions, {len(hdr.enums)} enums, {len(hdr.structs)} structs, "
          f"{len(hdr.handles)} handles, {len(hdr.callbacks)} callbacks")
