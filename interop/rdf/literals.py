"""Lexical forms of literal values, and back: the one place Python values meet XSD datatypes.

Encoding is chosen so that decoding gives back an equal value of the same Python type:
``int`` -> ``xsd:integer`` (any size), ``float`` -> ``xsd:double`` written with ``repr`` (the
shortest string that reads back to the same double), aware ``datetime`` -> ``xsd:dateTime``
with microseconds, ``date`` -> ``xsd:date``, ``str`` -> a plain literal. Decimals (a fare's
price) have a field-specific form in the mapping table (:func:`encode_decimal`). JSON
documents (``extensions``) become one ``rdf:JSON`` literal with sorted keys.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson

from interop.errors import ValidationError

__all__ = [
    "RDF_JSON",
    "XSD_BOOLEAN",
    "XSD_DATE",
    "XSD_DATETIME",
    "XSD_DECIMAL",
    "XSD_DOUBLE",
    "XSD_INTEGER",
    "XSD_STRING",
    "decode",
    "decode_decimal",
    "dump_json",
    "encode",
    "encode_decimal",
    "load_json",
]

_XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = _XSD + "string"
XSD_INTEGER = _XSD + "integer"
XSD_DOUBLE = _XSD + "double"
XSD_BOOLEAN = _XSD + "boolean"
XSD_DATETIME = _XSD + "dateTime"
XSD_DATE = _XSD + "date"
XSD_DECIMAL = _XSD + "decimal"
RDF_JSON = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"

Scalar = str | int | float | bool | datetime | date


def encode(value: Scalar) -> tuple[str, str | None]:
    """Return ``(lexical form, datatype IRI or None for a plain string)`` for ``value``."""
    if isinstance(value, str):
        return str(value), None  # str() turns a StrEnum member into its plain value
    if isinstance(value, bool):
        return ("true" if value else "false"), XSD_BOOLEAN
    if isinstance(value, int):
        return str(value), XSD_INTEGER
    if isinstance(value, float):
        return repr(value), XSD_DOUBLE
    if isinstance(value, datetime):
        return value.isoformat(), XSD_DATETIME
    if isinstance(value, date):
        return value.isoformat(), XSD_DATE
    raise TypeError(f"no literal form for {type(value).__name__}")  # pragma: no cover


def decode(lexical: str, datatype: str | None) -> Scalar:
    """Return the Python value of a literal written by :func:`encode`.

    Raises :class:`ValidationError` for a datatype the model does not use or a malformed form.
    """
    try:
        if datatype is None or datatype == XSD_STRING:
            return lexical
        if datatype == XSD_INTEGER:
            return int(lexical)
        if datatype == XSD_DOUBLE:
            return float(lexical)
        if datatype == XSD_DATETIME:
            return datetime.fromisoformat(lexical)
        if datatype == XSD_DATE:
            return date.fromisoformat(lexical)
        if datatype == XSD_BOOLEAN and lexical in ("true", "false", "1", "0"):
            return lexical in ("true", "1")
    except ValueError as error:
        raise ValidationError(
            f"malformed literal {lexical!r}: {error}", field="literal", expected=str(datatype)
        ) from None
    raise ValidationError(
        f"literal {lexical!r} has a datatype the model does not use",
        source=str(datatype),
        field="datatype",
        expected=("xsd:string, xsd:integer, xsd:double, xsd:dateTime, xsd:date or xsd:boolean"),
    )


def encode_decimal(value: Decimal) -> str:
    """The ``xsd:decimal`` lexical form of a finite decimal, as written (``1.50`` stays)."""
    return format(value, "f")


def decode_decimal(lexical: str) -> Decimal:
    """An ``xsd:decimal`` lexical form back to a :class:`~decimal.Decimal`."""
    try:
        number = Decimal(lexical.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or "e" in lexical.lower():
        raise ValidationError(
            f"malformed literal {lexical!r}", field="literal", expected="an xsd:decimal"
        )
    return number


def dump_json(value: Any) -> str:
    """Canonical JSON text (sorted keys, no whitespace); integers of any size survive."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # an integer beyond 64 bits: the stdlib has no such limit
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load_json(text: str) -> Any:
    """Parse JSON written by :func:`dump_json`; raises :class:`ValidationError` if malformed."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        try:  # orjson refuses integers beyond 64 bits; the stdlib reads them exactly
            return json.loads(text)
        except ValueError as error:
            raise ValidationError(
                f"malformed JSON literal: {error}", field="literal", expected="rdf:JSON text"
            ) from None
