"""GTFS ids <-> IRIs: minting matches the core's mint_iri and parsing inverts it exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from interop_gtfs.ids import FeedNamespace, gtfs_iri, kind_of, local_id, namespace_of

from interop.errors import EncodeError
from interop.model.base import mint_iri


@given(
    st.sampled_from(["stop", "stop_time"]),
    st.sampled_from(["city", "a b"]),
    st.text() | st.from_regex(r"[a-z0-9/._~-]*", fullmatch=True),
)
def test_gtfs_iri_is_mint_iri_and_local_id_inverts_it(kind, namespace, gtfs_id):
    iri = gtfs_iri(kind, namespace, gtfs_id)
    assert iri == mint_iri(kind, namespace, gtfs_id)
    assert local_id(iri, kind, namespace) == gtfs_id
    assert kind_of(iri) == kind
    assert namespace_of(iri) == namespace


def test_local_id_refuses_what_it_did_not_mint():
    for iri in ("urn:x:1", "urn:interop:stop:city", "urn:interop:stop:city:%7e"):
        with pytest.raises(EncodeError, match="not a GTFS stop IRI"):
            local_id(iri, "stop")
    ids = FeedNamespace()
    assert ids.local_id("urn:interop:stop:a:1", "stop", "here") == "1"
    with pytest.raises(EncodeError, match="namespace 'b', not 'a'"):
        ids.local_id("urn:interop:stop:b:1", "stop", "here")
