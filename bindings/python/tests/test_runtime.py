"""Devices, contexts, streams, events, statistics, library loading and the
generated low-level layer."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import tessera as ts
from tessera import _native as N

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
HEADER = os.path.join(REPO, "include", "tessera", "tessera.h")
in_checkout = pytest.mark.skipif(not os.path.isfile(HEADER),
                                 reason="needs the source checkout (tools/ and include/)")


def test_devices():
    devs = ts.devices()
    assert devs[0].kind == "cpu" and devs[0].index == 0
    cpu = devs[0]
    assert cpu.name and cpu.total_memory > 0 and cpu.compute_units >= 1
    assert cpu.supports_float64
    assert str(cpu) == "cpu:0" and "cpu" in repr(cpu)
    assert ts.backend_available("cpu") == (True, "")
    ok, reason = ts.backend_available("cuda")
    assert ok or reason  # unavailable backends say why
    with pytest.raises(ValueError):
        ts.backend_available("tpu")


def test_default_context_and_device():
    assert ts.default_context() is ts.default_context()
    assert ts.default_context().device.kind == "cpu"
    assert ts.zeros(1).context is ts.default_context()
    ctx = ts.Context()
    saved = dict(ts._devices._contexts)
    try:
        ts.set_default_device(ctx)
        assert ts.zeros(1).context is ctx
        assert ts.get_default_device() == ctx.device
    finally:
        ts.set_default_device(None)
        ts._devices._contexts.clear()
        ts._devices._contexts.update(saved)
    assert ts.get_default_device().kind == "cpu"


def test_context_stats_and_trim():
    ctx = ts.Context()
    ctx.reset_stats()
    t = ts.ones((4096,), device=ctx)
    s = ctx.stats()
    assert s["bytes_in_use"] >= 4096 * 4 and s["ops_launched"] >= 1
    assert set(s) == {f for f, *_ in N.tsr_stats._fields_ if f != "size"}
    del t
    ctx.trim()
    assert ctx.stats()["bytes_reserved"] == 0
    assert ts.stats(ctx) == ctx.stats()
    assert "bytes_in_use" in ts.stats()
    with ts.Context() as c2:
        assert not c2.closed
    assert c2.closed


def test_to_numpy_makes_exactly_one_synchronization():
    ctx = ts.Context()
    a = ts.ones((1000,), device=ctx)
    b = a * 3 + 1
    ctx.reset_stats()
    np.testing.assert_array_equal(b.to_numpy(), np.full(1000, 4.0, np.float32))
    assert ctx.stats()["synchronizations"] == 1


def test_streams_and_events():
    ctx = ts.Context()
    with ts.Stream(ctx) as s, ts.Event(ctx) as e0, ts.Event(ctx) as e1:
        assert s.context is ctx and s.native_handle == 0  # the CPU has no native stream
        e0.record(s)
        s.synchronize()
        assert s.query()
        e1.record(s)
        ctx.default_stream.wait_event(e1)
        e1.synchronize()
        assert e1.query() and e0.elapsed_time(e1) >= 0.0
        ev = s.record_event()
        ev.synchronize()
        ev.close()
    assert s.closed and e0.closed
    d = ctx.default_stream
    assert d is ctx.default_stream
    d.close()  # borrowed: closing does nothing
    d.synchronize()
    t = ts.ones(8, device=ctx)
    st = ts.Stream(ctx)
    assert t.to_numpy(stream=st).tolist() == [1.0] * 8
    with pytest.raises(ts.DeviceMismatchError):
        t.to_numpy(stream=ts.Stream(ts.Context()))


def test_context_options():
    ctx = ts.Context("cpu", zero_on_allocate=True, deterministic=True, memory_quota=1 << 30,
                     non_blocking_default_stream=True)
    assert ts.empty((16,), device=ctx).tolist() == [0.0] * 16
    assert "cpu:0" in repr(ctx)


def test_library_path_and_version():
    assert os.path.isfile(ts.library_path)
    major, minor = N.TSR_VERSION_MAJOR, N.TSR_VERSION_MINOR
    assert ts.__version__.startswith(f"{major}.{minor}")


def _import_in_subprocess(env_update: dict) -> subprocess.CompletedProcess:
    env = dict(os.environ, **env_update)
    pkg_parent = os.path.dirname(os.path.dirname(ts.__file__))
    env["PYTHONPATH"] = pkg_parent + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-c", "import tessera"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_bad_tessera_library_names_the_path(tmp_path):
    missing = str(tmp_path / "nowhere" / "libtessera.so")
    r = _import_in_subprocess({"TESSERA_LIBRARY": missing})
    assert r.returncode != 0 and "ImportError" in r.stderr
    assert missing in r.stderr and "TESSERA_LIBRARY is set" in r.stderr
    bogus = tmp_path / "libtessera.so"
    bogus.write_text("not a library")
    r = _import_in_subprocess({"TESSERA_LIBRARY": str(tmp_path)})  # a folder works too
    assert r.returncode != 0 and str(bogus) in r.stderr


def test_tessera_library_override_loads(tmp_path):
    r = _import_in_subprocess({"TESSERA_LIBRARY": ts.library_path})
    assert r.returncode == 0, r.stderr


def test_every_header_function_is_bound():
    from tessera._loader import lib
    for name, restype, argtypes, _ in N.FUNCTIONS:
        fn = getattr(lib, name)
        assert fn.restype is restype and tuple(fn.argtypes) == tuple(argtypes), name
    assert len(N.FUNCTIONS) >= 80


@in_checkout
def test_generated_layer_is_up_to_date():
    r = subprocess.run([sys.executable, os.path.join(REPO, "tools", "gen_python.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@in_checkout
def test_generator_detects_a_stale_file(tmp_path):
    sys.path.insert(0, os.path.join(REPO, "tools"))
    try:
        import gen_python
    finally:
        sys.path.pop(0)
    stale = tmp_path / "_native.py"
    stale.write_text(gen_python.render().replace("TSR_MAX_DIMS = 8", "TSR_MAX_DIMS = 9"))
    old = gen_python.OUT
    gen_python.OUT = str(stale)
    try:
        assert gen_python.main(["--check"]) == 1
        assert gen_python.main([]) == 0
        assert gen_python.main(["--check"]) == 0
    finally:
        gen_python.OUT = old
