"""Run device payload codecs written for The Things Network Device Repository, sandboxed.

A Device Repository codec is JavaScript defining ``decodeUplink(input)`` (``{bytes, fPort,
recvTime?, variables?}`` in, ``{data, warnings?, errors?}`` out), ``encodeDownlink(input)``
(``{data}`` in, ``{bytes, fPort?, warnings?, errors?}`` out) and ``decodeDownlink(input)``,
plus a codec YAML naming the files and carrying examples. ChirpStack v4 uses the same API.
:class:`JsPayloadCodec` runs such a codec behind the :class:`~interop_lorawan.payload.PayloadCodec`
contract; :meth:`JsPayloadCodec.from_codec_yaml` builds one from the YAML.

Engine: QuickJS via the ``quickjs`` package (CPython 3.11 manylinux wheels). Chosen over V8
(``mini-racer``) because

* it is the engine ChirpStack runs device codecs in (with the same 100 ms default limit), so a
  codec that works there behaves the same here;
* it has *hard* per-call limits: an interrupt handler stops a runaway call after
  ``time_limit_s`` (wall clock, see below) with an uncatchable error, the allocator refuses
  past ``memory_limit`` bytes and the stack is capped; V8's heap limit is a near-OOM
  callback, not an allocator cap;
* the Python binding embeds only the ECMAScript core: no ``std``/``os`` modules, no module
  loader, no ``print``, ``console``, timers, ``require``, ``process`` or ``fetch`` (the tests
  check this), so a codec cannot reach files, the network or processes;
* a call costs a few microseconds, and the wheel is 2 MB instead of V8's 30.

The binding is not maintained very actively (last release 2023), which is acceptable for
a frozen C engine used only through ``eval`` and function calls; the boundary is typed here
(:class:`_JsContext`) so that another engine can replace it behind this module.

Isolation between calls (the guarantee): the codec source is compiled once per context as
the body of a factory function (``new Function(source)``); every call runs the factory anew,
so top-level ``var``/``let``/``const`` state and function declarations are fresh each time.
Globals a sloppy codec creates by assignment are deleted after the call, and every built-in
object reachable from the global object (constructors, prototypes, ``Math``, ``JSON``, …) is
frozen and its global binding made read-only before the codec loads, so a codec cannot change
what the next call sees. (Freezing has one visible effect: in strict code, assigning a
property that a frozen prototype also defines, such as ``error.name = …`` on an ``Error``,
throws; define it with ``Object.defineProperty`` instead.) A call that leaves the global
object in a state the clean-up cannot undo (a non-configurable global, ``preventExtensions``
or ``freeze`` of ``globalThis``) still returns its result, and the next call gets a fresh
context; so does a call that ran out of time, memory or stack.

Purity: ``Date`` is the uplink's receive time (``new Date()``, ``Date.now()``; the Unix epoch
when the caller gives none; dates built from arguments work as usual) and ``Math.random`` is
a xorshift generator seeded from the call's input, so a codec's output is a pure function of
its input. Limits: wall-clock time per call (:mod:`interop_lorawan.jsclock`; the binding's
own limit counts CPU time, which on a loaded machine lets a 100 ms limit run 200 ms), memory
of the runtime, C stack, and the size of the result (``output_limit``, its own error
message). A result nested deeper than the semantic mapping follows is returned as it is; the
mapping keeps the deep subtree unmapped, as JSON text, with a short warning.

Contexts are per thread (the QuickJS runtime must not be touched from two threads, even at
different times), created lazily the first time a thread calls the codec.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, cast

import orjson
import quickjs  # type: ignore[import-untyped]

from interop.errors import DecodeError, EncodeError, PluginError
from interop_lorawan.jsclock import WallClock, wall_clock
from interop_lorawan.payload import Decoded, Downlink, PayloadCodec

__all__ = [
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "DEFAULT_STACK_LIMIT",
    "DEFAULT_TIME_LIMIT_S",
    "CodecExample",
    "CodecResult",
    "JsPayloadCodec",
]

DEFAULT_TIME_LIMIT_S = 0.1
"""Wall-clock limit of one codec call (ChirpStack's default ``max_execution_time``)."""
DEFAULT_MEMORY_LIMIT = 32 * 1024 * 1024
"""Bytes the whole QuickJS runtime of one codec (per thread) may allocate."""
DEFAULT_STACK_LIMIT = 512 * 1024
"""Bytes of C stack a codec call may use (deep recursion ends as a stack overflow)."""
DEFAULT_OUTPUT_LIMIT = 1024 * 1024
"""Bytes (about: characters of strings plus 8 per other value) a call's result may hold."""

Function = Literal["decodeUplink", "encodeDownlink", "decodeDownlink"]
_FUNCTIONS: tuple[Function, ...] = ("decodeUplink", "encodeDownlink", "decodeDownlink")
_YAML_KEYS: dict[str, Function] = {
    "uplinkDecoder": "decodeUplink",
    "downlinkEncoder": "encodeDownlink",
    "downlinkDecoder": "decodeDownlink",
}


class _JsContext(Protocol):
    """The part of ``quickjs.Context`` used here (the package ships no type information)."""

    def eval(self, code: str) -> object: ...
    def get(self, name: str) -> Any: ...
    def set_time_limit(self, seconds: float) -> None: ...
    def set_memory_limit(self, limit: int) -> None: ...
    def set_max_stack_size(self, limit: int) -> None: ...


# The sandbox set-up, run once per context before the codec is compiled. It replaces Date
# (the uplink's receive time) and Math.random (seeded from the call's input), hardens every
# built-in reachable from the global object, records the global names, and defines the one
# entry point Python calls: __interop_run(index, inputJson, nowMs, outputLimit) -> JSON text
# of {"ok": result} | {"fail": "missing" | "nonjson" | "size", "detail": text} |
# {"threw": text}, with "tainted": true added when the clean-up could not restore the global
# object (the caller then builds a fresh context).
_PRELUDE = r"""
(function (source) {
  'use strict';
  var g = globalThis, seen = new Set([globalThis]);  // the global object stays extensible
  var RealDate = Date, now = 0, seed = 1, budget = 0, tainted = false;
  var SandboxDate = function Date() {
    if (new.target === undefined) return new RealDate(now).toString();
    if (arguments.length === 0) return Reflect.construct(RealDate, [now], new.target);
    return Reflect.construct(RealDate, Array.prototype.slice.call(arguments), new.target);
  };
  SandboxDate.prototype = RealDate.prototype;
  SandboxDate.now = function now_() { return now; };
  SandboxDate.parse = RealDate.parse;
  SandboxDate.UTC = RealDate.UTC;
  Object.defineProperty(RealDate.prototype, 'constructor',
                        {value: SandboxDate, writable: true, configurable: true});
  g.Date = SandboxDate;
  Math.random = function random() {  // xorshift32: a pure function of the call's input
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  function harden(o) {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    Reflect.ownKeys(o).forEach(function (k) {
      var d = Object.getOwnPropertyDescriptor(o, k);
      if ('value' in d) harden(d.value); else { harden(d.get); harden(d.set); }
    });
    harden(Object.getPrototypeOf(o));
  }
  var hidden = [
    function* () {}, async function () {}, async function* () {},
    [][Symbol.iterator](), new Map().entries(), new Set().values(), ''[Symbol.iterator](),
    /x/[Symbol.matchAll](''), Promise.resolve(), new Int8Array(0)
  ];
  hidden.forEach(function (o) { harden(Object.getPrototypeOf(o)); });
  Reflect.ownKeys(g).forEach(function (k) {
    harden(g[k]);
    Object.defineProperty(g, k, {writable: false, configurable: false});
  });
  var factory = new Function(source + '\n;return [' +
    ['decodeUplink', 'encodeDownlink', 'decodeDownlink'].map(function (n) {
      return 'typeof ' + n + " === 'function' ? " + n + ' : null';
    }).join(', ') + '];');
  var names = ['decodeUplink', 'encodeDownlink', 'decodeDownlink'];
  var baseline = new Set(Reflect.ownKeys(g));
  baseline.add('__interop_run');
  var TOO_BIG = {};
  function replacer(key, value) {
    var t = typeof value;
    var where = ' at "' + key + '"';
    if (t === 'number' && !isFinite(value)) throw new TypeError('non-finite ' + value + where);
    if (t === 'function' || t === 'symbol' || t === 'bigint') throw new TypeError('a ' + t + where);
    budget -= (t === 'string' ? value.length : 8) + String(key).length;
    if (budget < 0) throw TOO_BIG;
    return value;
  }
  function call(index, inputJson) {
    var fn = factory()[index];
    if (fn === null) return JSON.stringify({fail: 'missing', detail: names[index]});
    var result;
    try {
      result = fn(JSON.parse(inputJson));
    } catch (e) {
      if (typeof InternalError === 'function' && e instanceof InternalError) throw e;
      return JSON.stringify({threw: String(e)});
    }
    var text;
    try {
      text = JSON.stringify({ok: result}, replacer);
    } catch (e) {
      if (e === TOO_BIG || String(e).indexOf('out of memory') >= 0) {
        return JSON.stringify({fail: 'size', detail: 'more'});
      }
      return JSON.stringify({fail: 'nonjson', detail: String(e)});
    }
    return text;
  }
  function run(index, inputJson, nowMs, outputLimit) {
    var h = 2166136261;
    for (var i = 0; i < inputJson.length; i++) {
      h ^= inputJson.charCodeAt(i); h = Math.imul(h, 16777619);
    }
    now = nowMs; seed = (h | 0) || 1; budget = outputLimit;
    var out;
    try {
      out = call(index, inputJson);
    } finally {
      var clean = Object.isExtensible(g);
      Reflect.ownKeys(g).forEach(function (k) {
        if (!baseline.has(k) && !Reflect.deleteProperty(g, k)) clean = false;
      });
      tainted = !clean;
    }
    return tainted ? '{"tainted":true,' + out.slice(1) : out;
  }
  Object.defineProperty(g, '__interop_run', {value: run, writable: false, configurable: false});
})
"""


@dataclass(frozen=True, slots=True)
class CodecResult:
    """What a codec function returned: the decoded object and any warnings it gave."""

    data: Decoded
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodecExample:
    """One example of a codec YAML: ``function`` applied to ``input`` gives ``output``."""

    function: Function
    description: str
    input: Mapping[str, Any]
    output: Mapping[str, Any]


@dataclass(slots=True)
class _Program:
    """One codec source and its per-thread QuickJS contexts."""

    source: str
    time_limit_s: float
    memory_limit: int
    stack_limit: int
    local: threading.local = field(default_factory=threading.local)

    def entry(self) -> Any:
        """The calling thread's ``__interop_run`` function; builds its context on first use."""
        run = getattr(self.local, "run", None)
        if run is None:
            context = cast(_JsContext, quickjs.Context())
            context.set_memory_limit(self.memory_limit)
            context.set_max_stack_size(self.stack_limit)
            clock = wall_clock(context)
            setup_s = max(1.0, 10 * self.time_limit_s)  # set-up and the codec's top level
            if clock is None:  # the binding's own limit, in CPU time
                context.set_time_limit(setup_s)
            else:
                clock.start(setup_s)
            prelude = cast(Any, context.eval(_PRELUDE))
            prelude(self.source)
            if clock is None:
                context.set_time_limit(self.time_limit_s)
            run = context.get("__interop_run")
            self.local.run, self.local.clock = run, clock
        return run

    def start(self) -> None:
        """Start the wall-clock limit of the calling thread's next call."""
        clock: WallClock | None = getattr(self.local, "clock", None)
        if clock is not None:
            clock.start(self.time_limit_s)

    def discard(self) -> None:
        """Drop this thread's context (out of time, memory or stack, or tainted)."""
        self.local.run = None
        self.local.clock = None


class JsPayloadCodec(PayloadCodec):
    """A payload codec running Device Repository JavaScript in a QuickJS sandbox.

    ``source`` holds the functions (any of ``decodeUplink``, ``encodeDownlink``,
    ``decodeDownlink``); ``function_sources`` overrides it per function when a codec YAML names
    different files. ``variables`` are passed to every call as ``input.variables`` (the
    device-profile variables of TTS and ChirpStack). The source is compiled here, so syntax
    errors surface as :class:`~interop.errors.PluginError` at construction.
    """

    codec_id: ClassVar[str] = "js"
    takes_recv_time: ClassVar[bool] = True

    def __init__(
        self,
        codec_id: str,
        source: str = "",
        *,
        function_sources: Mapping[str, str] | None = None,
        vendor: str = "",
        variables: Mapping[str, str] | None = None,
        examples: Sequence[CodecExample] = (),
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        stack_limit: int = DEFAULT_STACK_LIMIT,
        output_limit: int = DEFAULT_OUTPUT_LIMIT,
    ) -> None:
        # codec_id and vendor are per instance here; they shadow the ClassVar defaults.
        vars(self)["codec_id"] = codec_id
        vars(self)["vendor"] = vendor
        if min(time_limit_s, memory_limit, stack_limit, output_limit) <= 0:
            raise PluginError(
                "JavaScript codec limits must be positive",
                source=codec_id,
                field="limits",
                expected="time_limit_s, memory_limit, stack_limit and output_limit > 0",
            )
        self.variables: dict[str, str] = dict(variables or {})
        self.examples: tuple[CodecExample, ...] = tuple(examples)
        self.time_limit_s = time_limit_s
        self.output_limit = output_limit
        sources: dict[str, str] = dict.fromkeys(_FUNCTIONS, source)
        for name, text in (function_sources or {}).items():
            if name not in _FUNCTIONS:
                raise PluginError(
                    "unknown codec function", source=codec_id, field=name, expected=str(_FUNCTIONS)
                )
            sources[name] = text
        programs: dict[str, _Program] = {}
        self._programs: dict[str, _Program] = {}
        for name, text in sources.items():
            if text not in programs:
                programs[text] = _Program(text, time_limit_s, memory_limit, stack_limit)
            self._programs[name] = programs[text]
        for program in programs.values():
            try:
                program.entry()
            except quickjs.JSException as exc:
                raise PluginError(
                    f"the JavaScript codec does not load: {_first_line(exc)}",
                    source=codec_id,
                    field="source",
                    expected="ECMAScript defining decodeUplink/encodeDownlink/decodeDownlink",
                ) from None

    # construction from a Device Repository codec YAML -----------------------------------

    @classmethod
    def from_codec_yaml(cls, path: Path | str, *, codec_id: str, **options: Any) -> JsPayloadCodec:
        """Build the codec a Device Repository codec YAML describes (files beside the YAML).

        ``options`` are passed to the constructor (``vendor``, ``variables``, limits).
        """
        import yaml  # type: ignore[import-untyped]  # no stubs installed in the workspace

        path = Path(path)
        try:
            config = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise PluginError(
                f"cannot read the codec YAML: {exc}", source=str(path), expected="a codec YAML"
            ) from None
        return cls.from_codec_config(config, path.parent, codec_id=codec_id, **options)

    @classmethod
    def from_codec_config(
        cls, config: object, directory: Path | str, *, codec_id: str, **options: Any
    ) -> JsPayloadCodec:
        """Build a codec from an already parsed codec YAML (a dict), files under ``directory``.

        Keys ``uplinkDecoder``, ``downlinkEncoder``, ``downlinkDecoder`` each hold
        ``{fileName, examples?}``; a file name must stay inside ``directory``.
        """
        if not isinstance(config, Mapping):
            raise PluginError("the codec YAML is not a mapping", source=codec_id, expected="keys "
                              "uplinkDecoder / downlinkEncoder / downlinkDecoder")  # fmt: skip
        base = Path(directory).resolve()
        texts: dict[str, str] = {}
        examples: list[CodecExample] = []
        for key, function in _YAML_KEYS.items():
            entry = config.get(key)
            if entry is None:
                continue
            name = entry.get("fileName") if isinstance(entry, Mapping) else None
            file = (base / name).resolve() if isinstance(name, str) else None
            if file is None or not file.is_relative_to(base) or not file.is_file():
                raise PluginError(
                    f"{key}.fileName does not name a codec file: {name!r}",
                    source=codec_id,
                    field=f"{key}.fileName",
                    expected=f"a JavaScript file in {base}",
                )
            texts[function] = file.read_text(encoding="utf-8")
            for example in entry.get("examples") or ():
                if not isinstance(example, Mapping):
                    raise PluginError(f"{key}.examples holds {_short(example)}", source=codec_id,
                                      field=f"{key}.examples", expected="objects")  # fmt: skip
                examples.append(
                    CodecExample(
                        function,
                        str(example.get("description", "")),
                        example.get("input", {}),
                        example.get("output", {}),
                    )
                )
        if not texts:
            raise PluginError(
                "the codec YAML names no codec file",
                source=codec_id,
                expected="uplinkDecoder, downlinkEncoder or downlinkDecoder",
            )
        return cls(codec_id, "", function_sources=texts, examples=examples, **options)

    # the PayloadCodec contract ----------------------------------------------------------

    def decode_uplink(
        self, f_port: int, data: bytes, *, device: str = "device", recv_time: datetime | None = None
    ) -> Decoded:
        """Run ``decodeUplink``; its ``data`` or a DecodeError."""
        return self.decode_uplink_result(f_port, data, device=device, recv_time=recv_time).data

    def decode_uplink_result(
        self, f_port: int, data: bytes, *, device: str = "device", recv_time: datetime | None = None
    ) -> CodecResult:
        """Run ``decodeUplink``; its ``data`` with its ``warnings``, or a DecodeError."""
        payload: dict[str, Any] = {"bytes": list(data), "fPort": f_port}
        now_ms = 0.0
        if recv_time is not None:
            payload["recvTime"] = recv_time.isoformat()
            now_ms = recv_time.timestamp() * 1000
        return self._decode("decodeUplink", payload, device, now_ms)

    def decode_downlink(self, f_port: int, data: bytes, *, device: str = "device") -> Decoded:
        """Run ``decodeDownlink``; its ``data`` or a DecodeError."""
        return self._decode("decodeDownlink", {"bytes": list(data), "fPort": f_port}, device).data

    def encode_downlink(self, obj: Mapping[str, Any], *, device: str = "device") -> Downlink:
        """Run ``encodeDownlink``; FPort and bytes, or an EncodeError."""
        function: Function = "encodeDownlink"
        result = self._call(function, {"data": obj}, device, EncodeError)
        self._check_errors(result, function, device, EncodeError)
        raw, f_port = result.get("bytes"), result.get("fPort")
        if not isinstance(raw, list) or not all(type(b) is int and 0 <= b <= 255 for b in raw):
            raise self._error(EncodeError, function, device, f"returned bytes {_short(raw)}",
                              field="bytes", expected="an array of integers 0..255")  # fmt: skip
        if f_port is not None and (type(f_port) is not int or not 1 <= f_port <= 223):
            raise self._error(EncodeError, function, device, f"returned fPort {_short(f_port)}",
                              field="fPort", expected="an integer 1..223 or none")  # fmt: skip
        return Downlink(f_port, bytes(raw))

    # examples ---------------------------------------------------------------------------

    def check_examples(self) -> list[str]:
        """Run the YAML's examples; one line per example whose output differs (empty: all pass).

        Like the Device Repository's validation, but numbers are compared with a relative
        tolerance of 1e-9 (engines differ in the last digit of float arithmetic).
        """
        failures: list[str] = []
        for example in self.examples:
            label = f"{example.function} {example.description!r}"
            expected_errors = example.output.get("errors")
            try:
                got = self._run_example(example)
            except (DecodeError, EncodeError) as exc:
                if not expected_errors:
                    failures.append(f"{label}: {exc}")
                continue
            if expected_errors:
                failures.append(f"{label}: expected errors {expected_errors}, got {got}")
            elif not _same(got, {k: v for k, v in example.output.items() if k != "warnings"}):
                failures.append(f"{label}: expected {example.output}, got {got}")
        return failures

    def _run_example(self, example: CodecExample) -> dict[str, Any]:
        given = example.input
        if example.function == "encodeDownlink":
            downlink = self.encode_downlink(given.get("data", {}), device="example")
            out: dict[str, Any] = {"bytes": list(downlink.data)}
            if "fPort" in example.output:
                out["fPort"] = downlink.f_port
            return out
        f_port, raw = int(given.get("fPort", 0)), bytes(given.get("bytes", []))
        if example.function == "decodeUplink":
            return {"data": self.decode_uplink(f_port, raw, device="example")}
        return {"data": self.decode_downlink(f_port, raw, device="example")}

    # the sandbox boundary ---------------------------------------------------------------

    def _decode(
        self, function: Function, payload: dict[str, Any], device: str, now_ms: float = 0.0
    ) -> CodecResult:
        result = self._call(function, payload, device, DecodeError, now_ms)
        warnings = self._check_errors(result, function, device, DecodeError)
        data = result.get("data")
        if not isinstance(data, dict):
            raise self._error(DecodeError, function, device, f"returned data {_short(data)}",
                              field="data", expected="an object")  # fmt: skip
        return CodecResult(data, warnings)

    def _call(
        self,
        function: Function,
        payload: dict[str, Any],
        device: str,
        error: type[DecodeError] | type[EncodeError],
        now_ms: float = 0.0,
    ) -> dict[str, Any]:
        if self.variables:
            payload["variables"] = self.variables
        try:
            text = orjson.dumps(payload).decode()
        except TypeError as exc:
            raise self._error(error, function, device, f"input is not JSON: {exc}",
                              field="data", expected="JSON values") from None  # fmt: skip
        program = self._programs[function]
        run = program.entry()
        program.start()
        try:
            out = run(_FUNCTIONS.index(function), text, now_ms, self.output_limit)
        except quickjs.StackOverflow:
            program.discard()
            raise self._error(error, function, device, "exceeded its stack limit",
                              expected="bounded recursion") from None  # fmt: skip
        except quickjs.JSException as exc:
            message = _first_line(exc)
            if message.startswith("InternalError: interrupted"):
                program.discard()
                raise self._error(error, function, device,
                                  f"ran past its time limit of {self.time_limit_s * 1000:g} ms",
                                  expected="a call that returns in time") from None  # fmt: skip
            if message.startswith("InternalError: out of memory"):
                program.discard()
                raise self._error(error, function, device, "exceeded its memory limit",
                                  expected="a call within the memory limit") from None  # fmt: skip
            raise self._error(error, function, device, f"threw {message}") from None
        try:
            envelope = orjson.loads(out) if isinstance(out, str) else None
        except orjson.JSONDecodeError as exc:
            raise self._error(error, function, device, f"returned unreadable output ({exc})"[:200],
                              expected="JSON nested less than 1024 levels") from None  # fmt: skip
        if not isinstance(envelope, dict):
            raise self._error(error, function, device, "returned no result")
        if envelope.get("tainted"):  # the global object could not be restored: start afresh
            program.discard()
        if "threw" in envelope:
            thrown = str(envelope["threw"]).strip().splitlines() or ["an exception"]
            raise self._error(error, function, device, f"threw {thrown[0][:500]}")
        failure = envelope.get("fail")
        if failure == "missing":
            raise self._error(error, function, device, "is not defined by this codec",
                              expected=f"a codec defining {function}")  # fmt: skip
        if failure == "size":
            raise self._error(error, function, device,
                              f"returned more than its output limit of {self.output_limit} bytes",
                              expected="a result within the output limit")  # fmt: skip
        if failure is not None:
            raise self._error(error, function, device,
                              f"returned a value that is not JSON: {envelope.get('detail')}",
                              expected="JSON-compatible values")  # fmt: skip
        result = envelope.get("ok")
        if not isinstance(result, dict):
            raise self._error(error, function, device, f"returned {_short(result)}",
                              expected="an object {data, warnings?, errors?}")  # fmt: skip
        return result

    def _check_errors(
        self,
        result: dict[str, Any],
        function: Function,
        device: str,
        error: type[DecodeError] | type[EncodeError],
    ) -> tuple[str, ...]:
        """Raise for a non-empty ``errors``; return the ``warnings`` as strings."""
        errors = result.get("errors")
        if errors:
            listed = errors if isinstance(errors, list) else [errors]
            raise self._error(error, function, device,
                              "reported errors: " + "; ".join(str(e) for e in listed),
                              field="errors")  # fmt: skip
        warnings = result.get("warnings")
        if not warnings:
            return ()
        return tuple(str(w) for w in (warnings if isinstance(warnings, list) else [warnings]))

    def _error(
        self,
        error: type[DecodeError] | type[EncodeError],
        function: Function,
        device: str,
        what: str,
        *,
        field: str | None = None,
        expected: str | None = None,
    ) -> DecodeError | EncodeError:
        return error(
            f"JavaScript codec {self.codec_id!r}: {function} {what}",
            source=device,
            field=field or function,
            expected=expected,
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _short(value: object) -> str:
    text = json.dumps(value, default=repr)
    return text if len(text) <= 80 else text[:77] + "..."


def _same(got: object, expected: object) -> bool:
    """Deep equality with a relative tolerance for numbers (bools compare exactly)."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return got is expected
    if isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(_same(got[k], expected[k]) for k in got)
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(map(_same, got, expected))
    return got == expected
