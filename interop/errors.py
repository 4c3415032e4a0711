"""Every failure a user can cause, as one exception tree with stable codes.

Callers catch :class:`InteropError` (or a branch of it) and read ``code`` to decide what to do;
the code never changes once released, the message may be improved. Each message names the
input, the field and what was expected, so an integrator can fix the data without a debugger::

    InteropError                       interop-error
    ├── DecodeError                    decode-error        bad vendor input; never retried
    ├── EncodeError                    encode-error        the target cannot represent a record
    ├── ValidationError                validation-error    a record or document breaks the model
    │   └── UnitError                  unit-error          unknown unit or incompatible quantities
    ├── RegistryError                  registry-error      a property/unit registry refused an entry
    ├── PluginError                    plugin-error        a plugin cannot be used
    │   ├── PluginLoadError            plugin-load-error   its import or hook registration failed
    │   ├── PluginValidationError      plugin-invalid      its manifest or hooks are malformed
    │   ├── IncompatiblePluginError    plugin-incompatible it targets another plugin-API version
    │   └── PluginNotFoundError        plugin-not-found    no installed plugin has that name
    ├── CapabilityError                capability-missing  an adapter lacks what was asked of it
    ├── PolicyViolation                policy-violation    data the city's policy forbids
    ├── SourceUnavailable              source-unavailable  a live system is down; retried later
    │   └── RateLimited                rate-limited        the system asked us to slow down
    ├── AuthenticationFailed           auth-failed         credentials refused; not retried
    ├── NotFound                       not-found           a named light or schedule is unknown
    └── UnsupportedOperation           unsupported         the system cannot do that
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = [
    "AuthenticationFailed",
    "CapabilityError",
    "DecodeError",
    "EncodeError",
    "IncompatiblePluginError",
    "InteropError",
    "NotFound",
    "PluginError",
    "PluginLoadError",
    "PluginNotFoundError",
    "PluginValidationError",
    "PolicyViolation",
    "RateLimited",
    "RecordsRefused",
    "RegistryError",
    "SourceUnavailable",
    "StoreUnavailable",
    "UnitError",
    "UnsupportedOperation",
    "ValidationError",
]


class InteropError(Exception):
    """Base of every error interop raises on purpose; ``code`` is stable across releases.

    ``source`` names the input (a file, a message id, a plugin), ``field`` the offending
    field and ``expected`` what would have been accepted. They are optional so that the
    error can be raised where only part is known, and are folded into ``str(error)``.
    """

    code: ClassVar[str] = "interop-error"

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.expected = expected
        super().__init__(self._render())

    def _render(self) -> str:
        parts = []
        if self.source is not None:
            parts.append(f"{self.source}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.expected is not None:
            text += f" (expected {self.expected})"
        return f"[{self.code}] {text}"

    def __reduce__(self) -> tuple[object, ...]:
        """Keep keyword context when the error crosses a process boundary (pickle)."""
        return (_rebuild, (type(self), self.message, self.source, self.field, self.expected))


def _rebuild(
    cls: type[InteropError],
    message: str,
    source: str | None,
    field: str | None,
    expected: str | None,
) -> InteropError:
    return cls(message, source=source, field=field, expected=expected)


class DecodeError(InteropError):
    """Vendor input could not be turned into records; the raw input should be dead-lettered."""

    code = "decode-error"


class EncodeError(InteropError):
    """A record cannot be expressed in the target format without losing or inventing data."""

    code = "encode-error"


class ValidationError(InteropError):
    """A record, document or graph does not satisfy the canonical model or its shapes."""

    code = "validation-error"


class UnitError(ValidationError):
    """A unit is unknown, or two units measure different quantities."""

    code = "unit-error"


class RegistryError(InteropError):
    """A property or unit registry refused an entry (duplicate, malformed or forbidden)."""

    code = "registry-error"


class PluginError(InteropError):
    """A plugin cannot be used; in lenient mode the registry logs it and skips the plugin."""

    code = "plugin-error"


class PluginLoadError(PluginError):
    """Importing a plugin's entry point or registering its hooks failed."""

    code = "plugin-load-error"


class PluginValidationError(PluginError):
    """A plugin's manifest or hook implementations are malformed."""

    code = "plugin-invalid"


class IncompatiblePluginError(PluginError):
    """A plugin declares a plugin-API major version this core does not support."""

    code = "plugin-incompatible"


class PluginNotFoundError(PluginError):
    """No installed (and allowed) plugin has the requested name."""

    code = "plugin-not-found"


class CapabilityError(InteropError):
    """An adapter was asked for something its manifest does not declare."""

    code = "capability-missing"


class PolicyViolation(InteropError):
    """Data or a definition that the city's privacy policy (or the model's charter) forbids."""

    code = "policy-violation"


class SourceUnavailable(InteropError):
    """A live vendor system or feed cannot be reached now; the caller retries with back-off."""

    code = "source-unavailable"


class AuthenticationFailed(InteropError):
    """A vendor system refused the credentials; retrying will not help."""

    code = "auth-failed"


class RateLimited(SourceUnavailable):
    """A vendor system refused a request as too many (HTTP 429, or its own overload signal).

    ``retry_after`` holds the seconds the system asked the caller to wait (``Retry-After``),
    or None when it did not say.
    """

    code = "rate-limited"

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        source: str | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, source=source, field=field, expected=expected)


class NotFound(InteropError):
    """A device, light, schedule or other named object does not exist in the target system."""

    code = "not-found"


class UnsupportedOperation(InteropError):
    """The target system (or its plugin) cannot carry out the requested operation at all."""

    code = "unsupported"


class RecordsRefused(InteropError):
    """A sink delivered a batch except some records, which it refuses for good.

    ``refused`` maps the index of each refused record in the batch given to ``Sink.write``
    to the sink's own reason. Every other record of the batch *was* delivered, so the
    pipeline dead-letters exactly the refused ones and moves on; a sink that can only say
    "the batch failed" raises another error and the pipeline retries record by record.
    """

    code = "records-refused"

    def __init__(
        self,
        message: str,
        *,
        refused: Mapping[int, str],
        source: str | None = None,
        field: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.refused = dict(refused)
        super().__init__(message, source=source, field=field, expected=expected)

    def __reduce__(self) -> tuple[object, ...]:
        """Keep the refused indexes across a process boundary (pickle)."""
        return (
            _rebuild_refused,
            (self.message, self.refused, self.source, self.field, self.expected),
        )


def _rebuild_refused(
    message: str,
    refused: Mapping[int, str],
    source: str | None,
    field: str | None,
    expected: str | None,
) -> RecordsRefused:
    return RecordsRefused(message, refused=refused, source=source, field=field, expected=expected)


class StoreUnavailable(InteropError):
    """The store cannot commit now (disk full, database down); the caller may retry later.

    A service answers 503 with ``Retry-After`` and never acknowledges the message.
    """

    code = "store-unavailable"
