"""Build hook: ship the compiled library inside the package.

The package itself is pure Python (ctypes). `pip install ./bindings/python`
copies libtessera.so and the backend plugins (libtessera_*.so) from the CMake
build folder into tessera/_lib/, where the package loads them from. The build
folder is TESSERA_BUILD_DIR when set, else <repo>/build. The wheel is tagged
for this platform (py3-none-<platform>) since it carries a native library.
"""
import glob
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIBRARY = "libtessera.so"


def library_dir():
    """The folder holding the built libtessera.so, or None."""
    env = os.environ.get("TESSERA_BUILD_DIR")
    bases = [env] if env else [os.path.join(ROOT, "build")]
    for base in bases:
        for d in (os.path.join(base, "lib"), base):
            if os.path.isfile(os.path.join(d, LIBRARY)):
                return d
    return None


class build_py_with_library(build_py):
    def run(self):
        super().run()
        src = library_dir()
        if src is None:
            where = os.environ.get("TESSERA_BUILD_DIR") or os.path.join(ROOT, "build")
            raise SystemExit(f"tessera: {LIBRARY} not found under {where}/lib. Build the library "
                             "first (cmake -S . -B build -G Ninja && ninja -C build) or set "
                             "TESSERA_BUILD_DIR to the CMake build folder.")
        dest = os.path.join(self.build_lib, "tessera", "_lib")
        os.makedirs(dest, exist_ok=True)
        # Copy the real file under the plain name: wheels cannot hold symlinks, and the
        # plugins find the loaded library by its soname.
        shutil.copyfile(os.path.realpath(os.path.join(src, LIBRARY)), os.path.join(dest, LIBRARY))
        for plugin in sorted(glob.glob(os.path.join(src, "libtessera_*.so"))):
            shutil.copyfile(os.path.realpath(plugin), os.path.join(dest, os.path.basename(plugin)))


cmdclass = {"build_py": build_py_with_library}
try:
    try:
        from setuptools.command.bdist_wheel import bdist_wheel
    except ImportError:
        from wheel.bdist_wheel import bdist_wheel

    class bdist_wheel_platform(bdist_wheel):
        def finalize_options(self):
            super().finalize_options()
            self.root_is_pure = False

        def get_tag(self):
            return ("py3", "none", super().get_tag()[2])

    cmdclass["bdist_wheel"] = bdist_wheel_platform
except ImportError:
    pass

setup(cmdclass=cmdclass)
