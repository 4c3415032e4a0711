"""Test the conformance kit itself with pytester, on throwaway projects."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

INNER_INI = """\
[pytest]
addopts = --import-mode=importlib -p no:cacheprovider
filterwarnings =
    error
    ignore::DeprecationWarning:pyshacl.*
    ignore::DeprecationWarning:owlrl.*
"""


@pytest.fixture(autouse=True)
def _keep_hypothesis_profile() -> Iterator[None]:
    """In-process pytester runs load their own profile; restore ours afterwards."""
    profile = settings.get_current_profile_name()
    yield
    settings.load_profile(profile)


@pytest.fixture
def kit_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A temp project holding the self-test codecs and conformance classes."""
    pytester.copy_example(str(EXAMPLES / "kit_project"))
    pytester.makeini(INNER_INI)
    pytester.syspathinsert()
    return pytester
