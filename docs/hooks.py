"""MkDocs hook: render reference tables from interop's own registries at build time.

A page asks for a table with an HTML comment such as ``<!-- interop:properties -->``; the
hook replaces it with Markdown generated from the live objects (``DEFAULT_PROPERTIES``,
``DEFAULT_UNITS``, the error tree, the record classes, the RDF mapping), so the tables cannot
drift from the code. An unknown table name fails the build. The renderers are plain
functions so that ``tests/docs`` can call them without running MkDocs.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from pydantic import BaseModel

from interop import adapters, errors, hookspecs
from interop.model import RECORD_TYPES, DataClass, protection_of
from interop.model.properties import DEFAULT_PROPERTIES
from interop.model.units import DEFAULT_UNITS

__all__ = [
    "PLACEHOLDER",
    "RENDERERS",
    "compact",
    "error_classes",
    "hook_names",
    "on_page_content",
    "on_page_markdown",
    "render",
    "sphinx_roles_to_autorefs",
]

PLACEHOLDER = re.compile(r"<!--\s*interop:(?P<name>[a-z][a-z0-9-]*)\s*-->")
"""How a page asks for a generated table: ``<!-- interop:NAME -->``."""

PREFIXES: tuple[tuple[str, str], ...] = (
    ("saref", "https://saref.etsi.org/core/"),
    ("s4city", "https://saref.etsi.org/saref4city/"),
    ("s4ener", "https://saref.etsi.org/saref4ener/"),
    ("s4envi", "https://saref.etsi.org/saref4envi/"),
    ("s4watr", "https://saref.etsi.org/saref4watr/"),
    ("s4bldg", "https://saref.etsi.org/saref4bldg/"),
    ("s4syst", "https://saref.etsi.org/saref4syst/"),
    ("om", "http://www.ontology-of-units-of-measure.org/resource/om-2/"),
    ("qudt", "http://qudt.org/vocab/unit/"),
    ("interop", "https://w3id.org/interop/ontology#"),
    ("wgs84", "http://www.w3.org/2003/01/geo/wgs84_pos#"),
    ("geo", "http://www.opengis.net/ont/geosparql#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("prov", "http://www.w3.org/ns/prov#"),
)
"""Prefixes used to shorten IRIs in the tables (the longest matching namespace wins)."""

EMPTY = "&ndash;"
"""What an empty table cell shows."""

_BY_LENGTH = sorted(PREFIXES, key=lambda item: len(item[1]), reverse=True)


def compact(iri: str) -> str:
    """Shorten ``iri`` to ``prefix:local`` when a known namespace matches, else return it."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _cell(value: object) -> str:
    """One table cell: ``None`` becomes a dash and pipes/newlines cannot break the row."""
    if value is None or value == "":
        return EMPTY
    return str(value).replace("|", r"\|").replace("\n", " ")


def _code(value: str | None) -> str:
    """One code-span cell; pipes inside backticks do not split a table row."""
    return EMPTY if not value else f"`{value}`"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


_RST_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?(?P<name>[^`]+)`")
_RST_LITERAL = re.compile(r"``(?P<text>[^`]+)``")


def rst_to_markdown(text: str) -> str:
    """Turn the reST inline markup of docstrings (roles, ````literals````) into code spans."""
    return _RST_LITERAL.sub(r"`\g<text>`", _RST_ROLE.sub(r"`\g<name>`", text))


def _first_line(obj: object) -> str:
    """The first paragraph of ``obj``'s docstring, on one line, as Markdown."""
    doc = inspect.getdoc(obj) or ""
    return rst_to_markdown(doc.strip().split("\n\n", 1)[0].replace("\n", " "))


# --- units and properties --------------------------------------------------------------------


def render_prefixes() -> str:
    """The prefix table that explains every compact IRI on the site."""
    return _table(["Prefix", "Namespace"], ((f"`{p}:`", f"`{ns}`") for p, ns in PREFIXES))


def render_units() -> str:
    """Every built-in unit: label, symbol, quantity kind, IRI and the codes other systems use."""
    rows = (
        (
            _cell(unit.label),
            _code(unit.symbol),
            _cell(unit.quantity.value),
            _code(compact(unit.iri)),
            _code(unit.uncefact),
            _code(unit.ucum),
            _code(compact(unit.saref_class)) if unit.saref_class else EMPTY,
        )
        for unit in DEFAULT_UNITS
    )
    header = ["Unit", "Symbol", "Quantity", "IRI (OM-2 / QUDT)", "UN/CEFACT", "UCUM", "SAREF class"]
    return _table(header, rows)


def render_properties() -> str:
    """Every built-in property: key, IRI, quantity kind, default unit and protection class."""
    units = {unit.iri: unit for unit in DEFAULT_UNITS}

    def unit_cell(iri: str) -> str:
        unit = units.get(iri)
        label = f" ({unit.symbol})" if unit is not None and unit.symbol else ""
        return _code(compact(iri)) + _cell(label) if label else _code(compact(iri))

    rows = (
        (
            _code(spec.key),
            _code(compact(spec.iri)),
            _cell(spec.quantity.value),
            unit_cell(spec.default_unit),
            _cell(spec.protection.value),
            _cell(spec.description),
        )
        for spec in DEFAULT_PROPERTIES
    )
    header = ["Key", "IRI", "Quantity", "Default unit", "Protection", "Description"]
    return _table(header, rows)


# --- errors ----------------------------------------------------------------------------------


def error_classes() -> list[type[errors.InteropError]]:
    """The public error classes of :mod:`interop.errors`, depth first from ``InteropError``."""
    public = {getattr(errors, name) for name in errors.__all__}

    def walk(cls: type[errors.InteropError]) -> Iterator[type[errors.InteropError]]:
        if cls in public:
            yield cls
        for sub in cls.__subclasses__():
            if sub.__module__ == errors.__name__:
                yield from walk(sub)

    return list(walk(errors.InteropError))


def render_errors() -> str:
    """The error tree: class, stable code, parent and what the error means."""
    rows = []
    for cls in error_classes():
        depth = len([b for b in cls.__mro__ if issubclass(b, errors.InteropError)]) - 1
        indent = "&nbsp;&nbsp;&nbsp;&nbsp;" * depth
        parent = cls.__mro__[1].__name__ if depth else "Exception"
        rows.append(
            (f"{indent}`{cls.__name__}`", _code(cls.code), f"`{parent}`", _cell(_first_line(cls)))
        )
    return _table(["Class", "Code", "Subclass of", "Meaning"], rows)


# --- records, protection, plugin contract ----------------------------------------------------


def _type_name(annotation: Any) -> str:
    """A short, readable rendering of a field annotation (``IRI | None``, ``frozenset[...]``)."""
    from interop.model import base

    for alias in ("IRI", "UtcDateTime"):
        if annotation == getattr(base, alias):
            return alias
    if annotation is type(None):
        return "None"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " | ".join(repr(arg) for arg in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_type_name(arg) for arg in args)
    if origin is not None:
        name = getattr(origin, "__name__", str(origin))
        return f"{name}[{', '.join(_type_name(arg) for arg in args)}]"
    return getattr(annotation, "__name__", str(annotation))


def _record_field_rows(model: type[BaseModel]) -> Iterator[tuple[str, ...]]:
    hints = typing.get_type_hints(model, include_extras=True)
    for name, info in model.model_fields.items():
        protection = protection_of(info)
        yield (
            f"`{name}`",
            _code(_type_name(hints.get(name, info.annotation))),
            "yes" if info.is_required() else "no",
            _cell(protection.value if protection else None),
            _cell(info.description),
        )


def render_records() -> str:
    """One table per record class: every field, its type, whether required, its protection."""
    parts = []
    for cls in RECORD_TYPES:
        kind = cls.model_fields["kind"].default
        parts.append(f'### `{cls.__name__}` (`kind = "{kind}"`)\n\n{_first_line(cls)}\n')
        header = ["Field", "Type", "Required", "Protection", "Description"]
        parts.append(_table(header, _record_field_rows(cls)))
    return "\n".join(parts)


def render_record_kinds() -> str:
    """The ``kind`` tags of the ``Record`` union and the class each selects."""
    rows = (
        (f"`{cls.model_fields['kind'].default}`", f"`{cls.__name__}`", _cell(_first_line(cls)))
        for cls in RECORD_TYPES
    )
    return _table(["`kind`", "Class", "What it is"], rows)


def render_data_classes() -> str:
    """The data-protection classes and what each means."""
    rows = []
    source = inspect.getsource(DataClass)
    for member in DataClass:
        match = re.search(rf"{member.name} = [^\n]+\n\s+\"\"\"(?P<doc>.+?)\"\"\"", source, re.S)
        rows.append((f"`{member.value}`", _cell(rst_to_markdown(match["doc"]) if match else "")))
    return _table(["Class", "Meaning"], rows)


def render_capabilities() -> str:
    """Every capability a manifest can declare, and the adapter kind that provides it."""
    by_capability = {cap: kind.__name__ for kind, cap in adapters.ADAPTER_KINDS.items()}
    by_capability[adapters.Capability.ENCODE] = "Codec (overriding `encode`)"
    by_capability[adapters.Capability.DEMO] = "the `interop_demo` hook"
    source = inspect.getsource(adapters.Capability)
    rows = []
    for cap in adapters.Capability:
        match = re.search(rf"{cap.name} = [^\n]+\n\s+\"\"\"(?P<doc>.+?)\"\"\"", source, re.S)
        rows.append(
            (
                f"`{cap.value}`",
                _cell(by_capability.get(cap)),
                _cell(rst_to_markdown(match["doc"]) if match else ""),
            )
        )
    return _table(["Capability", "Provided by", "Meaning"], rows)


def hook_names() -> list[str]:
    """Names of every hook specification in :mod:`interop.hookspecs`, in source order."""
    found = [
        (obj.__code__.co_firstlineno, name)
        for name, obj in vars(hookspecs).items()
        if name.startswith("interop_") and inspect.isfunction(obj)
    ]
    return [name for _, name in sorted(found)]


def render_hooks() -> str:
    """A summary table of the hooks: name, signature, whether the first result wins."""
    rows = []
    for name in hook_names():
        func = getattr(hookspecs, name)
        opts = getattr(func, hookspecs.PROJECT + "_spec", {}) or {}
        signature = f"{name}{inspect.signature(func)}".replace("'", "")
        rows.append(
            (
                f"[`{name}`](#{name})",
                f"`{signature}`",
                "first non-None" if opts.get("firstresult") else "list of all",
                _cell(_first_line(func)),
            )
        )
    return _table(["Hook", "Signature", "Result", "Purpose"], rows)


def render_enum(path: str) -> str:
    """Values of an enum given as ``module:Class`` (used for device, function, command kinds)."""
    module_name, _, attr = path.partition(":")
    enum_cls = getattr(importlib.import_module(module_name), attr)
    if not (isinstance(enum_cls, type) and issubclass(enum_cls, Enum)):
        raise TypeError(f"{path} is not an Enum")
    return ", ".join(f"`{member.value}`" for member in enum_cls) + "\n"


# --- RDF mapping -----------------------------------------------------------------------------

MAPPING_MODULE = "interop.rdf.mapping"
"""The RDF layer's declarative record -> RDF table that :func:`render_rdf_mapping` reads."""


def _mapping_module() -> types.ModuleType | None:
    try:
        return importlib.import_module(MAPPING_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name is not None and MAPPING_MODULE.startswith(exc.name):
            return None
        raise


def render_rdf_mapping() -> str:
    """Record kind / field -> RDF term, from :mod:`interop.rdf.mapping` when it exists."""
    module = _mapping_module()
    if module is None:
        return (
            '!!! note "Mapping not available in this build"\n'
            f"    The RDF layer's mapping module (`{MAPPING_MODULE}`) is not importable, so\n"
            "    the record-to-RDF table cannot be generated.\n"
        )
    return _MappingRenderer(module).render()


class _MappingRenderer:
    """Renders the ``RECORD_MAPS`` table of the mapping module, entry kind by entry kind.

    An entry kind this renderer does not know fails the build, so the site never shows a
    table that silently omits part of the mapping.
    """

    def __init__(self, module: types.ModuleType) -> None:
        self.m = module
        self.enums: list[tuple[str, Mapping[Any, Any], str]] = []

    def render(self) -> str:
        extra: Mapping[type, tuple[str, ...]] = getattr(self.m, "EXTRA_CLASSES", {})
        overview = _table(
            ["`kind`", "Class", "RDF class (`rdf:type`)"],
            (
                (
                    f"`{entry.kind}`",
                    f"`{entry.cls.__name__}`",
                    ", ".join(_code(compact(c)) for c in (entry.anchor, *extra.get(entry.cls, ()))),
                )
                for entry in self.m.RECORD_MAPS
            ),
        )
        maps = list(self.m.RECORD_MAPS)
        common = [
            name
            for name, fmap in maps[0].fields.items()
            if all(entry.fields.get(name) == fmap for entry in maps)
        ]
        header = ["Field", "RDF", "Form"]
        parts = [overview, "### Fields every record has\n"]
        rows = [row for name in common for row in self.rows(name, maps[0].fields[name])]
        parts.append(_table(header, rows))
        for entry in maps:
            rows = [
                row
                for name, fmap in entry.fields.items()
                if name not in common
                for row in self.rows(name, fmap)
            ]
            parts.append(f"### `{entry.cls.__name__}` → {_code(compact(entry.anchor))}\n")
            parts.append(_table(header, rows))
        parts.append("### Enumerations\n")
        parts.append("Enumerated field values and the RDF class or individual each becomes.\n")
        seen: set[str] = set()
        for title, mapping, what in self.enums:
            if title in seen:
                continue
            seen.add(title)
            values = [
                (_code(str(getattr(key, "value", key))), self.terms(value))
                for key, value in mapping.items()
            ]
            parts.append(f"#### {title}\n")
            parts.append(_table(["Value", what], values))
        return "\n".join(parts)

    @staticmethod
    def terms(value: str | Sequence[str]) -> str:
        items = (value,) if isinstance(value, str) else tuple(value)
        return ", ".join(_code(compact(item)) for item in items)

    def enum_title(self, field: str, mapping: Mapping[Any, Any]) -> str:
        first = next(iter(mapping), None)
        return f"`{type(first).__name__}` (`{field}`)" if first is not None else f"`{field}`"

    def rows(self, name: str, fmap: object) -> Iterator[tuple[str, str, str]]:
        m, field = self.m, f"`{name}`"
        if isinstance(fmap, m.Subject):
            yield field, "subject", "the record's IRI is the subject of its triples"
        elif isinstance(fmap, m.Kind):
            yield field, EMPTY, "implied by the record's RDF class"
        elif isinstance(fmap, m.Value):
            yield field, _code(compact(fmap.predicate)), "literal"
        elif isinstance(fmap, getattr(m, "TypedValue", ())):
            datatype = _code(compact(fmap.datatype))
            yield field, _code(compact(fmap.predicate)), f"{datatype} literal"
        elif isinstance(fmap, m.JsonLiteral):
            yield field, _code(compact(fmap.predicate)), "one `rdf:JSON` literal, absent if empty"
        elif isinstance(fmap, m.Ref):
            form = "IRIs (one triple each)" if fmap.many else "IRI"
            if fmap.inverse:
                form += "; inverse: *value* → record"
            if fmap.typing is not None:
                form += "; the IRI is typed " + self.terms(fmap.typing("urn:x:probe"))
            yield field, _code(compact(fmap.predicate)), form
        elif isinstance(fmap, m.TypeOf):
            title = self.enum_title(name, fmap.classes)
            self.enums.append((title, fmap.classes, "RDF class of the record"))
            yield field, "`rdf:type`", f"extra class of the record, see {title}"
        elif isinstance(fmap, m.EnumRef):
            title = self.enum_title(name, fmap.iris)
            self.enums.append((title, fmap.iris, "IRI"))
            form = "IRIs" if fmap.many else "IRI"
            yield field, _code(compact(fmap.predicate)), f"{form}, see {title}"
        elif isinstance(fmap, m.EnumNodes):
            title = self.enum_title(name, fmap.classes)
            self.enums.append((title, fmap.classes, "class of the function node"))
            yield field, _code(compact(fmap.predicate)), f"one node per member, see {title}"
        elif isinstance(fmap, m.Nested):
            node = _code(compact(fmap.node_class))
            yield field, _code(compact(fmap.predicate)), f"blank node of class {node}"
            for sub, value in fmap.fields.items():
                yield f"`{name}.{sub}`", _code(compact(value.predicate)), "literal on the node"
        elif isinstance(fmap, m.EncodedNode):
            node = _code(compact(fmap.node_class))
            yield field, _code(compact(fmap.predicate)), f"blank node of class {node}"
            for literal in fmap.literals:
                datatype = _code(compact(literal.datatype))
                yield f"`{name}`", _code(compact(literal.predicate)), f"{datatype} literal"
        else:
            raise PluginError(
                f"docs/hooks.py cannot render mapping entry {type(fmap).__name__} for {name!r}"
            )


# --- MkDocs entry point ----------------------------------------------------------------------

RENDERERS: dict[str, Callable[[], str]] = {
    "prefixes": render_prefixes,
    "units": render_units,
    "properties": render_properties,
    "errors": render_errors,
    "records": render_records,
    "record-kinds": render_record_kinds,
    "data-classes": render_data_classes,
    "capabilities": render_capabilities,
    "hooks": render_hooks,
    "rdf-mapping": render_rdf_mapping,
    "device-kinds": lambda: render_enum("interop.model.device:DeviceKind"),
    "function-kinds": lambda: render_enum("interop.model.device:FunctionKind"),
    "command-kinds": lambda: render_enum("interop.model.command:CommandKind"),
    "quantity-kinds": lambda: render_enum("interop.model.units:QuantityKind"),
}
"""Table name (as used in ``<!-- interop:NAME -->``) -> function that renders it."""


def render(markdown: str, where: str = "<string>") -> str:
    """Replace every ``<!-- interop:NAME -->`` in ``markdown`` with its generated table."""

    def substitute(match: re.Match[str]) -> str:
        name = match["name"]
        renderer = RENDERERS.get(name)
        if renderer is None:
            known = ", ".join(sorted(RENDERERS))
            raise PluginError(f"{where}: unknown generated table {name!r} (known: {known})")
        return renderer()

    return PLACEHOLDER.sub(substitute, markdown)


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """MkDocs event: expand the generated tables of one page."""
    return render(markdown, page.file.src_uri)


_HTML_ROLE = re.compile(
    r":(?:class|mod|func|data|meth|attr|exc|obj):<code>(?P<tilde>~?)(?P<target>[\w.]+)</code>"
)


def sphinx_roles_to_autorefs(html: str) -> str:
    """Turn the reST roles docstrings use (``:class:`~a.B```) into cross-references.

    mkdocstrings passes them through as ``:class:<code>a.B</code>``; a dotted target becomes
    an optional autoref (a link when the object is documented, plain code otherwise) and a
    bare name plain code. A leading ``~`` shows only the last component, as in Sphinx.
    """

    def substitute(match: re.Match[str]) -> str:
        target = match["target"]
        label = target.rsplit(".", 1)[-1] if match["tilde"] else target
        if "." not in target:
            return f"<code>{label}</code>"
        return f'<autoref identifier="{target}" optional><code>{label}</code></autoref>'

    return _HTML_ROLE.sub(substitute, html)


def on_page_content(html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """MkDocs event: render docstring roles as links (autorefs resolves them later)."""
    return sphinx_roles_to_autorefs(html)
