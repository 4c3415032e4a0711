"""interop-talq (being built)."""

from interop_talq.manifest import MANIFEST, __version__

__all__ = ["MANIFEST", "__version__"]
