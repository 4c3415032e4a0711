"""The strategies module and the hypothesis entry point load in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
from hypothesis import strategies as st
from interop.model import Measurement
record = st.from_type(Measurement).example()
assert isinstance(record, Measurement), record
print(record.kind)
"""


@pytest.mark.parametrize(
    "first",
    ["import interop.testing.strategies", "import hypothesis"],
    ids=["strategies-first", "hypothesis-first"],
)
def test_fresh_interpreter_imports_strategies_and_registers_them(first):
    result = subprocess.run(
        [sys.executable, "-c", first + "\n" + CHECK],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "measurement"
