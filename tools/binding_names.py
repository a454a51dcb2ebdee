"""Naming and file helpers shared by the C# and Rust generators.

Both languages want PascalCase types and variants (tsr_dtype -> DType,
TSR_FLOAT32 -> Float32), so the mapping from the header's C names lives here
once. tsr_header.py stays a pure parser of the header.
"""
from __future__ import annotations

import os
import re
import sys

import tsr_header

# Words whose conventional spelling is not plain capitalization.
_WORDS = {
    "DTYPE": "DType", "OPENCL": "OpenCL", "BFLOAT16": "BFloat16", "ISNAN": "IsNaN",
    "ISINF": "IsInf", "ARGMIN": "ArgMin", "ARGMAX": "ArgMax", "CPU": "Cpu", "CUDA": "Cuda",
    "HIP": "Hip", "TF32": "Tf32", "UINT8": "UInt8", "UINT16": "UInt16", "UINT32": "UInt32",
    "UINT64": "UInt64",
}


def pascal(c_name: str) -> str:
    """TSR_LOGICAL_NOT / tsr_binary_op -> LogicalNot / BinaryOp."""
    parts = [p for p in c_name.split("_") if p]
    if parts and parts[0].lower() == "tsr":
        parts = parts[1:]
    return "".join(_WORDS.get(p.upper(), p[:1].upper() + p[1:].lower()) for p in parts)


def _common_prefix(names: list[str]) -> str:
    """Longest prefix ending in '_' shared by every name."""
    prefix = os.path.commonprefix(names)
    return prefix[: prefix.rfind("_") + 1]


def is_sentinel(member: str) -> bool:
    """*_COUNT members count the values; they are not values themselves."""
    return member.endswith("_COUNT")


def enum_type_name(enum: tsr_header.Enum) -> str:
    """tsr_status -> Status; an anonymous flag enum TSR_CONTEXT_* -> ContextFlags."""
    if enum.name:
        return pascal(enum.name)
    prefix = _common_prefix([m for m, _ in enum.members])
    return pascal(prefix) + "Flags"


def enum_member_names(enum: tsr_header.Enum) -> list[tuple[str, str, int]]:
    """(C name, PascalCase name, value) for every non-sentinel member.

    The prefix all members share is dropped (TSR_ACTIVATION_RELU -> Relu);
    status codes also drop ERROR_ (TSR_ERROR_INVALID_HANDLE -> InvalidHandle).
    """
    members = [(m, v) for m, v in enum.members if not is_sentinel(m)]
    prefix = _common_prefix([m for m, _ in members]) if len(members) > 1 else "TSR_"
    out = []
    for c_name, value in members:
        rest = c_name[len(prefix):]
        if rest.startswith("ERROR_"):
            rest = rest[len("ERROR_"):]
        out.append((c_name, pascal(rest), value))
    return out


def member_comments(path: str = tsr_header.HEADER) -> dict[str, str]:
    """The trailing /* ... */ comment of each enum member that has one."""
    raw = open(path, encoding="utf-8").read()
    pattern = r"\b(TSR_[A-Z0-9_]+)\s*(?:=[^,/\n]*)?,?\s*/\*(.*?)\*/"
    return {m.group(1): " ".join(m.group(2).split()) for m in re.finditer(pattern, raw)}


def doc_lines(doc: str) -> list[str]:
    """The header comment as lines, without leading/trailing blank lines."""
    lines = [line.rstrip() for line in doc.strip().splitlines()]
    lines = [line for line in lines if line.strip("- ")]  # drop section rulers
    return lines


def write_or_check(path: str, text: str, generator: str) -> bool:
    """Writes `text` to `path`, or with --check reports whether it is current.

    Returns False when --check finds the file stale.
    """
    rel = os.path.relpath(path, tsr_header.ROOT)
    if "--check" in sys.argv:
        current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if current != text:
            print(f"{rel} is stale: run python3 tools/{generator}")
            return False
        print(f"{rel} is up to date")
        return True
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {rel}")
    return True
