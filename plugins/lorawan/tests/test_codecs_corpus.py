"""Every corpus vector of every vendor with a native codec, against the maker's expected output.

The corpus (../shared/corpus/lorawan/vectors.jsonl) holds the Device Repository examples that
the makers' JS codecs were CI-checked against. Comparison, as the corpus README suggests:
exact for str/bool/int/None and structure, ``math.isclose(rel_tol=1e-9, abs_tol=1e-12)`` for
floats, missing ``warnings``/``errors`` equal to ``[]`` (a native codec may add warnings of
its own, which are printed). Uplinks must pass for ≥95% of each vendor's vectors; failures
are printed. Downlinks must round-trip exactly in both directions.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from interop_lorawan.codecs import NativeCodec, builtin_codecs

from interop.errors import DecodeError, EncodeError

IMPLEMENTED = (
    "netvox",
    "decentlab",
    "elsys",
    "dragino",
    "browan",
    "nwave",
    "opensource",
    "dingtek",
    "ellenex",
    "sting",
    "talkpool",
    "mclimate",
    "bosch",
    "plenom",
    "emu",
)


def same(a: Any, b: Any) -> bool:
    """The corpus README's comparison (bool is not a number; int 500 equals float 500.0)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.fixture(scope="module")
def vectors(lorawan_vectors: Path) -> list[dict[str, Any]]:
    """The corpus vectors of the implemented vendors (skipped when the corpus is absent)."""
    rows = [
        json.loads(line)
        for line in lorawan_vectors.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return [v for v in rows if v["vendor"] in IMPLEMENTED]


def _uplink_ok(v: dict[str, Any]) -> tuple[bool, str]:
    codec = builtin_codecs().get(v["codec_id"])
    data = bytes.fromhex(v["bytes_hex"])
    try:
        if isinstance(codec, NativeCodec):
            got, warnings = codec.decode_uplink_with_warnings(v["fPort"], data, device=v["device"])
        else:
            got, warnings = codec.decode_uplink(v["fPort"], data, device=v["device"]), []
    except DecodeError as exc:
        return False, str(exc)
    exp = v["expected"]
    if not same(got, exp["data"]):
        return False, f"got {got!r}, expected {exp['data']!r}"
    maker_warnings = exp.get("warnings", [])
    extra = [w for w in warnings if w not in maker_warnings]
    if [w for w in warnings if w in maker_warnings] != maker_warnings or exp.get("errors", []):
        return (
            False,
            f"warnings {warnings!r} vs {maker_warnings!r}, errors {exp.get('errors')!r}",
        )
    # a native codec may say more than the maker's (e.g. that a short frame was zero-filled)
    return True, f"extra warnings {extra!r}" if extra else ""


def test_uplinks_per_vendor(
    vectors: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """Per-vendor pass counts (printed) and the ≥95% bar for each vendor."""
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    failures: list[str] = []
    notes: list[str] = []
    for v in vectors:
        if v["function"] != "uplinkDecoder":
            continue
        total[v["vendor"]] += 1
        ok, why = _uplink_ok(v)
        if ok:
            passed[v["vendor"]] += 1
            if why:
                notes.append(f"{v['codec_id']} {v['bytes_hex']}: {why}")
        else:
            failures.append(f"{v['codec_id']} {v['bytes_hex']}: {why}")
    lines = [
        f"{vendor}: {passed[vendor]}/{total[vendor]} uplink vectors" for vendor in sorted(total)
    ]
    with capsys.disabled():
        print("\n" + "\n".join(lines + failures + notes))
    for vendor in total:
        assert passed[vendor] / total[vendor] >= 0.95, (lines, failures)
    assert set(total) == set(IMPLEMENTED)


def test_downlinks_round_trip(
    vectors: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    """encode(expected data) == bytes (and FPort) and decode(bytes) == data, for every vector."""
    counts: Counter[str] = Counter()
    total: Counter[str] = Counter()
    problems: list[str] = []
    for v in vectors:
        if v["direction"] != "downlink":
            continue
        total[v["vendor"]] += 1
        codec = builtin_codecs().get(v["codec_id"])
        data = bytes.fromhex(v["bytes_hex"])
        try:
            enc = codec.encode_downlink(v["expected"]["data"], device=v["device"])
            dec = codec.decode_downlink(v["fPort"] or enc.f_port or 0, data, device=v["device"])
        except (DecodeError, EncodeError) as exc:
            problems.append(f"{v['codec_id']} {v['bytes_hex']}: {exc}")
            continue
        if enc.data != data or (v["fPort"] is not None and enc.f_port != v["fPort"]):
            problems.append(f"{v['codec_id']}: encoded {enc} != {v['bytes_hex']} port {v['fPort']}")
        elif not same(dec, v["expected"]["data"]):
            problems.append(f"{v['codec_id']}: decoded {dec} != {v['expected']['data']}")
        else:
            counts[v["vendor"]] += 1
    with capsys.disabled():
        print(
            "\n"
            + "\n".join(
                f"{k}: {counts[k]}/{total[k]} downlink vectors round-trip" for k in sorted(total)
            )
        )
    assert not problems, problems
