"""The conformance kit, public API for every plugin author.

- :mod:`interop.testing.strategies`: Hypothesis strategies for every canonical record;
- :mod:`interop.testing.cases`: what a plugin's ``interop_conformance_cases`` hook returns;
- :mod:`interop.testing.conformance`: base test classes to subclass, and their checks;
- :mod:`interop.testing.suite`: ``pytest --pyargs interop.testing.suite --interop-plugin NAME``;
- :mod:`interop.testing.pytest_plugin`: options, Hypothesis profiles and fixtures;
- :mod:`interop.testing.hypothesis_setup`: the ``hypothesis`` entry point (registers the
  strategies for ``st.from_type``).

This package imports nothing itself, so that loading the pytest plugin stays cheap.
"""
