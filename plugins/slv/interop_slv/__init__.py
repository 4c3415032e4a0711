"""interop-slv (being built)."""

from interop_slv.manifest import MANIFEST, __version__

__all__ = ["MANIFEST", "__version__"]
