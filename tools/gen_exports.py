"""Write tests/abi/exported_symbols.txt: every function the header declares.

Run with --check to fail (exit 1) when the checked-in file is stale.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tsr_header  # noqa: E402

OUT = os.path.join(tsr_header.ROOT, "tests", "abi", "exported_symbols.txt")


def render() -> str:
    names = sorted(f.name for f in tsr_header.parse().functions)
    return "\n".join(names) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            print(f"{OUT} is stale: run python3 tools/gen_exports.py")
            sys.exit(1)
        print("exported symbol list is up to date")
    else:
        open(OUT, "w").write(text)
        print(f"wrote {OUT}")
