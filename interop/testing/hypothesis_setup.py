"""The ``hypothesis`` entry point of interop-core: register the canonical record strategies.

Hypothesis loads its entry points while ``import hypothesis`` runs. When that import comes
from :mod:`interop.testing.strategies` itself, the strategies module is only half built, so
this hook must not touch it: the module registers its strategies when its own import ends.
Otherwise (Hypothesis imported first, e.g. by pytest) the hook imports the module, which
registers them; ``st.from_type(Measurement)`` then works either way.
"""

from __future__ import annotations

import sys

__all__ = ["setup"]

STRATEGIES_MODULE = "interop.testing.strategies"


def setup() -> None:
    """Make sure the strategies module is (or will be) imported, which registers them."""
    if STRATEGIES_MODULE in sys.modules:
        return  # imported, or importing right now: it registers at the end of its import
    from interop.testing import strategies  # noqa: F401  (importing registers the strategies)
