"""Find and load the Tessera shared library, and declare its functions.

Search order:
  1. TESSERA_LIBRARY, when set: the path of libtessera.so or of the folder
     holding it. It is then the only candidate, so a wrong setting is an error
     rather than a silent fallback to another build.
  2. The library shipped inside the package (tessera/_lib/libtessera.so).
  3. In a source checkout (bindings/python next to include/tessera), the
     build tree's build/lib/libtessera.so.
Backend plugins (libtessera_cuda.so, ...) are found by the library itself,
next to libtessera.so or on TESSERA_BACKEND_PATH.
"""
from __future__ import annotations

import ctypes
import os
import sys

from . import _native

if sys.platform == "darwin":
    LIBRARY_FILE = "libtessera.dylib"
elif sys.platform == "win32":
    LIBRARY_FILE = "tessera.dll"
else:
    LIBRARY_FILE = "libtessera.so"

_HERE = os.path.dirname(os.path.abspath(__file__))


def candidate_paths() -> list[str]:
    """The paths `load` tries, in order."""
    env = os.environ.get("TESSERA_LIBRARY")
    if env:
        return [os.path.join(env, LIBRARY_FILE) if os.path.isdir(env) else env]
    paths = [os.path.join(_HERE, "_lib", LIBRARY_FILE)]
    root = os.path.dirname(os.path.dirname(os.path.dirname(_HERE)))
    if os.path.isfile(os.path.join(root, "include", "tessera", "tessera.h")):
        paths.append(os.path.join(root, "build", "lib", LIBRARY_FILE))
    return paths


def _check_version(lib: ctypes.CDLL, path: str) -> None:
    major, minor, patch = ctypes.c_int32(), ctypes.c_int32(), ctypes.c_int32()
    lib.tsr_version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
    if major.value != _native.TSR_VERSION_MAJOR or minor.value < _native.TSR_VERSION_MINOR:
        raise ImportError(
            f"{path} is Tessera {major.value}.{minor.value}.{patch.value} but this binding was "
            f"generated for {_native.TSR_VERSION_MAJOR}.{_native.TSR_VERSION_MINOR}")


def load() -> tuple[ctypes.CDLL, str]:
    """Load and bind the library; ImportError names every path tried and why it failed."""
    tried = []
    for path in candidate_paths():
        if not os.path.isfile(path):
            tried.append(f"{path}: no such file")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"{path}: {e}")
            continue
        _native.bind(lib)
        _check_version(lib, path)
        return lib, path
    hint = ("TESSERA_LIBRARY is set, so only that path was tried"
            if os.environ.get("TESSERA_LIBRARY") else
            "build the library (cmake -S . -B build && cmake --build build) and reinstall "
            "the package, or set TESSERA_LIBRARY to the path of " + LIBRARY_FILE)
    raise ImportError("tessera: could not load the Tessera shared library. Tried:\n  "
                      + "\n  ".join(tried) + "\n" + hint)


lib, library_path = load()
