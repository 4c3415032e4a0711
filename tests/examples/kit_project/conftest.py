"""A small, fast Hypothesis profile for the kit's self-test runs.

Shrinking is off: these runs only need to know *that* a check fails, and shrinking
complex records to a minimal example takes far longer than finding the failure.
"""

from hypothesis import Phase, settings

settings.register_profile(
    "kit-selftest",
    max_examples=15,
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
)
settings.load_profile("kit-selftest")
