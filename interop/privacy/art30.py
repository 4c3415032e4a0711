"""The GDPR Art. 30 record of processing activities, built from the policy and the model.

What only the city knows (controller, DPO, purposes, data subjects) comes from the policy's
``[processing]`` section; what the code knows (which fields hold personal or pseudonymous
data, what each sink gets, where sinks are, how long data is kept, which technical measures
apply) is derived, so the record cannot drift from what the pipeline really does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from interop.errors import ValidationError
from interop.model.base import DataClass
from interop.privacy.durations import format_duration
from interop.privacy.enforcer import Enforcer
from interop.privacy.explain import sensitive_fields
from interop.privacy.jurisdictions import EEA, allows, expand
from interop.privacy.plan import STORE
from interop.privacy.policy import Action, Contact

__all__ = [
    "DataCategory",
    "ErasureLimit",
    "Recipient",
    "RecordOfProcessing",
    "Transfer",
    "build_record",
    "render_markdown",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PolicyRef(_Out):
    """Which policy the record describes."""

    name: str
    version: str
    source: str


class DataCategory(_Out):
    """One field holding personal or pseudonymous data, and what each stage does with it."""

    field: str = Field(description="kind.path, e.g. command.issued_by")
    data_class: DataClass
    store: Action
    sinks: dict[str, Action]
    note: str | None = None


class Recipient(_Out):
    """A sink (Art. 30(1)(d)): where it is and which classes of data it receives."""

    name: str
    jurisdiction: str | None
    receives: list[DataClass]
    within_allowed: bool
    description: str | None = None


class Transfer(_Out):
    """A transfer outside the EEA (Art. 30(1)(e)) and the safeguard stated for it."""

    recipient: str
    jurisdiction: str | None
    safeguards: str


class ErasureLimit(_Out):
    """A time limit for erasure (Art. 30(1)(f))."""

    applies_to: str
    keep: str = Field(description="Duration as the policy writes it, e.g. 30d")
    keep_seconds: int


class RecordOfProcessing(_Out):
    """GDPR Art. 30(1) record of processing activities, as JSON (schema in docs/privacy.md)."""

    policy: PolicyRef
    generated_at: datetime
    controller: Contact
    representative: Contact | None
    dpo: Contact | None
    purposes: list[str]
    legal_basis: str | None
    data_subjects: list[str]
    personal_data: list[DataCategory]
    recipients: list[Recipient]
    other_recipients: list[str]
    transfers: list[Transfer]
    erasure: list[ErasureLimit]
    security_measures: list[str]


def _measures(enforcer: Enforcer) -> list[str]:
    policy = enforcer.policy
    measures = [
        f"Policy {policy.version!r} enforced in code before storage and before each sink; "
        "personal values never stored or sent in clear.",
        "Pseudonymisation: HMAC-SHA256 with versioned keys held outside the policy "
        "(key file or environment), rotated without restart.",
        f"Generalisation: positions to {policy.generalise.position_m:g} m grid cells, "
        f"instants to {format_duration(policy.generalise.time)} buckets.",
    ]
    for rule in policy.aggregate:
        measures.append(
            f"Aggregation {rule.name!r}: {rule.statistic} per area and "
            f"{format_duration(rule.window)} window, cells under {rule.k} contributors suppressed."
        )
    measures.append(
        f"Jurisdiction check at start-up: pseudonymous or personal data only to "
        f"{', '.join(policy.jurisdictions)}."
    )
    measures.append("Audit counters of every action per field and sink, kept in the store.")
    if policy.processing is not None:
        measures.extend(policy.processing.security_measures)
    return measures


def _erasure(enforcer: Enforcer) -> list[ErasureLimit]:
    out = []
    for rule in enforcer.policy.retention:
        parts = [
            f"class {rule.data_class.value}" if rule.data_class else "",
            f"property {rule.property}" if rule.property else "",
            f"kind {rule.kind}" if rule.kind else "",
        ]
        out.append(
            ErasureLimit(
                applies_to=", ".join(p for p in parts if p) or "every record",
                keep=format_duration(rule.keep),
                keep_seconds=int(rule.keep.total_seconds()),
            )
        )
    dead = enforcer.policy.dead_letter
    out.append(
        ErasureLimit(
            applies_to=f"dead letters (raw payloads, mode {dead.mode})",
            keep=format_duration(dead.retention),
            keep_seconds=int(dead.retention.total_seconds()),
        )
    )
    return out


def build_record(
    enforcer: Enforcer, sinks: Mapping[str, str | None], now: datetime | None = None
) -> RecordOfProcessing:
    """The Art. 30 record for a pipeline running ``enforcer`` with these sinks."""
    policy = enforcer.policy
    processing = policy.processing
    if processing is None:
        raise ValidationError(
            "an Art. 30 record needs the controller and the purposes",
            source=policy.source,
            field="processing",
            expected="a [processing] section with controller and purposes",
        )
    decisions = enforcer.decisions(list(sinks))
    categories = [
        DataCategory(
            field=f"{d.kind}.{d.field}",
            data_class=d.data_class,
            store=d.actions[STORE],
            sinks={s: a for s, a in d.actions.items() if s != STORE},
        )
        for d in sensitive_fields(decisions, STORE)
        if not d.field.startswith("provenance.")
    ]
    for rule in policy.aggregate:
        categories.append(
            DataCategory(
                field=f"{'|'.join(rule.kinds)}.{rule.contributor}",
                data_class=DataClass.PERSONAL,
                store=Action.SUPPRESS,
                sinks=dict.fromkeys(sinks, Action.SUPPRESS),
                note=f"identifies a contributor to aggregate {rule.name!r}: held only as an "
                "in-memory hash while its window is open, never stored or sent",
            )
        )
    allowed = expand(policy.jurisdictions)
    recipients = []
    transfers = []
    for sink, jurisdiction in sinks.items():
        receives = sorted({d.data_class for d in sensitive_fields(decisions, sink)}, key=str)
        rules = policy.sinks.get(sink)
        recipients.append(
            Recipient(
                name=sink,
                jurisdiction=jurisdiction,
                receives=receives,
                within_allowed=allows(allowed, jurisdiction),
                description=rules.description if rules else None,
            )
        )
        if jurisdiction is not None and allows(EEA, jurisdiction):
            continue
        if not receives:
            safeguards = "no pseudonymous or personal data: the policy suppresses it for this sink"
        elif allows(allowed, jurisdiction):
            safeguards = "allowed by the policy's jurisdictions: " + ", ".join(policy.jurisdictions)
        else:
            safeguards = "not allowed by the policy: the pipeline refuses to start"
        transfers.append(Transfer(recipient=sink, jurisdiction=jurisdiction, safeguards=safeguards))
    transfers.extend(
        Transfer(recipient="(stated)", jurisdiction=None, safeguards=text)
        for text in processing.transfers
    )
    return RecordOfProcessing(
        policy=PolicyRef(name=policy.name, version=policy.version, source=policy.source),
        generated_at=now or datetime.now(UTC),
        controller=processing.controller,
        representative=processing.representative,
        dpo=processing.dpo,
        purposes=list(processing.purposes),
        legal_basis=processing.legal_basis,
        data_subjects=list(processing.data_subjects),
        personal_data=categories,
        recipients=recipients,
        other_recipients=list(processing.recipients),
        transfers=transfers,
        erasure=_erasure(enforcer),
        security_measures=_measures(enforcer),
    )


def _contact(title: str, contact: Contact | None) -> list[str]:
    if contact is None:
        return [f"- **{title}**: none designated"]
    details = ", ".join(x for x in (contact.email, contact.phone, contact.address) if x)
    return [f"- **{title}**: {contact.name}" + (f" ({details})" if details else "")]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(record: RecordOfProcessing) -> str:
    """The record as a Markdown document (one section per Art. 30(1) item)."""
    lines = [
        f"# Record of processing activities: {record.policy.name}",
        "",
        f"GDPR Art. 30(1). Policy version `{record.policy.version}` "
        f"(`{record.policy.source}`), generated {record.generated_at.isoformat()}.",
        "",
        "## Controller and contacts (a)",
        "",
        *_contact("Controller", record.controller),
        *_contact("Representative", record.representative),
        *_contact("Data protection officer", record.dpo),
        "",
        "## Purposes (b)",
        "",
        *(f"- {p}" for p in record.purposes),
    ]
    if record.legal_basis:
        lines += ["", f"Legal basis: {record.legal_basis}"]
    lines += ["", "## Categories of data subjects (c)", ""]
    lines += [f"- {s}" for s in record.data_subjects] or ["- none stated"]
    sinks = [r.name for r in record.recipients]
    lines += [
        "",
        "## Categories of personal data (c)",
        "",
        "| Field | Class | Store | " + " | ".join(_cell(s) for s in sinks) + " |",
        "|---|---|---|" + "---|" * len(sinks),
    ]
    for cat in record.personal_data:
        cells = [cat.sinks.get(s, cat.store).value for s in sinks]
        note = f" ({cat.note})" if cat.note else ""
        lines.append(
            f"| `{cat.field}`{_cell(note)} | {cat.data_class.value} | {cat.store.value} | "
            + " | ".join(cells)
            + " |"
        )
    lines += [
        "",
        "## Recipients and jurisdictions (d)",
        "",
        "| Recipient | Jurisdiction | Receives | Allowed |",
        "|---|---|---|---|",
    ]
    for r in record.recipients:
        receives = ", ".join(c.value for c in r.receives) or "public and technical data only"
        lines.append(
            f"| {_cell(r.name)} | {r.jurisdiction or 'undeclared'} | {receives} | "
            f"{'yes' if r.within_allowed else 'no'} |"
        )
    if record.other_recipients:
        lines += ["", "Other recipients:", "", *(f"- {o}" for o in record.other_recipients)]
    lines += ["", "## Transfers to third countries (e)", ""]
    lines += [
        f"- {t.recipient} ({t.jurisdiction or 'undeclared'}): {t.safeguards}"
        for t in record.transfers
    ] or ["- none"]
    lines += ["", "## Time limits for erasure (f)", ""]
    lines += [f"- {e.applies_to}: {e.keep}" for e in record.erasure]
    lines += ["", "## Security measures (g)", ""]
    lines += [f"- {m}" for m in record.security_measures]
    return "\n".join(lines) + "\n"
