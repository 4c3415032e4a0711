"""A wall-clock deadline for QuickJS calls, where the ``quickjs`` binding measures CPU time.

The binding's ``set_time_limit`` compares the C ``clock()`` (the process's CPU time) with the
limit, so on a loaded machine, where the process gets half a core, a 100 ms limit stops a
runaway codec only after about 200 ms of wall time. The engine itself asks an *interrupt
handler* every few thousand operations whether to stop; :class:`WallClock` installs one
(``JS_SetInterruptHandler``, exported by the binding's library) that answers from
``time.monotonic()``, so the limit holds in wall time.

Reaching the engine's runtime needs the binding's context object layout (the runtime and
context pointers right after the Python object header). That layout is checked, not
trusted: the runtime pointer must be what ``JS_GetRuntime`` returns for the context pointer.
When the check fails (another binding version), :func:`wall_clock` returns None and the
caller keeps the binding's CPU-time limit.
"""

from __future__ import annotations

import ctypes
import time
from typing import Any

__all__ = ["WallClock", "wall_clock"]

_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_POINTER = ctypes.sizeof(ctypes.c_void_p)
_HEADER = ctypes.sizeof(ctypes.c_ssize_t) + _POINTER  # PyObject_HEAD: refcount, type


def _library() -> Any | None:
    try:
        import _quickjs  # type: ignore[import-not-found]  # the binding's C extension

        lib = ctypes.CDLL(_quickjs.__file__)
        lib.JS_GetRuntime.restype = ctypes.c_void_p
        lib.JS_GetRuntime.argtypes = [ctypes.c_void_p]
        lib.JS_SetInterruptHandler.restype = None
        lib.JS_SetInterruptHandler.argtypes = [ctypes.c_void_p, _HANDLER, ctypes.c_void_p]
    except (ImportError, OSError, AttributeError):
        return None
    return lib


_LIB = _library()


class WallClock:
    """Stops a context's JavaScript once ``time.monotonic()`` passes the current deadline."""

    def __init__(self, runtime: int) -> None:
        self.deadline = float("inf")
        self._handler = _HANDLER(self._interrupt)  # kept alive as long as the context
        assert _LIB is not None
        _LIB.JS_SetInterruptHandler(runtime, self._handler, None)

    def _interrupt(self, _runtime: int | None, _opaque: int | None) -> int:
        return 1 if time.monotonic() > self.deadline else 0

    def start(self, seconds: float) -> None:
        """Allow the next call ``seconds`` of wall time from now."""
        self.deadline = time.monotonic() + seconds


def wall_clock(context: object) -> WallClock | None:
    """A :class:`WallClock` on ``context`` (a ``quickjs.Context``), or None if unsupported."""
    if _LIB is None:
        return None
    try:
        runtime = ctypes.c_void_p.from_address(id(context) + _HEADER).value
        js_context = ctypes.c_void_p.from_address(id(context) + _HEADER + _POINTER).value
        if not runtime or not js_context or _LIB.JS_GetRuntime(js_context) != runtime:
            return None
    except (ValueError, OSError):
        return None
    return WallClock(runtime)
