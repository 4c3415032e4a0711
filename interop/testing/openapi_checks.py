"""Exercise a running service's OpenAPI operations with schemathesis, bounded and collected.

Each operation gets ``examples`` generated requests, valid and invalid ones mixed; every
answer must be no server error and match the schema of its status code. Failures are
collected (one line each: operation, status, first complaint) rather than stopping at the
first, so one run shows everything a service gets wrong. Needs ``schemathesis`` (a dev
dependency of interop): imported only when called.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

__all__ = ["Prepare", "exercise_operations"]

Prepare = Callable[[Any, Any, st.DataObject], None]
"""Sets what every request needs on a case (operation, case, hypothesis data to draw from)."""


def exercise_operations(
    operations: Iterable[Any],
    base_url: str,
    *,
    examples: int,
    prepare: Prepare | None = None,
    timeout: float = 10.0,
) -> list[str]:
    """Call each schemathesis operation ``examples`` times; return the failures found."""
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    failures: list[str] = []

    def explore(operation: Any) -> None:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @settings(
            max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )  # fmt: skip
        @given(case=strategy, data=st.data())
        def exercise(case: Any, data: st.DataObject) -> None:
            if prepare is not None:
                prepare(operation, case, data)
            response = case.call(base_url=base_url, timeout=timeout)
            try:
                case.validate_response(
                    response, checks=[not_a_server_error, response_schema_conformance]
                )
            except BaseException as exc:  # a check failure: collect, keep exploring
                first = getattr(exc, "exceptions", [exc])[0]
                failures.append(
                    f"{operation.method.upper()} {operation.path} -> HTTP "
                    f"{response.status_code}: {str(first).splitlines()[0]}"
                )

        exercise()

    for operation in operations:
        explore(operation)
    return failures
