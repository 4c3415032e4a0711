"""Addresses of lighting systems: ``PLUGIN:URL`` with credentials, turned into controllers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interop.control.connect import open_lighting, split_target
from interop.errors import CapabilityError, PluginNotFoundError, ValidationError
from interop.registry import Registry


def test_user_and_password_become_username_and_password():
    plugin, url, credentials = split_target("slv:https://op%40city:p%3Ass@cms.example.org:8443/slv")
    assert plugin == "slv"
    assert url == "https://cms.example.org:8443/slv"
    assert credentials == {"username": "op@city", "password": "p:ss"}


def test_a_bare_token_becomes_token():
    assert split_target("talq:http://:abc123@127.0.0.1:8082")[2] == {"token": "abc123"}
    assert split_target("talq:http://abc123@127.0.0.1:8082")[2] == {"token": "abc123"}
    assert split_target("talq:http://127.0.0.1:8082")[2] == {}


@pytest.mark.parametrize(
    "target",
    ["slv", "slv:", ":http://h", "slv:ftp://h", "slv:http://", "slv:cms.example.org"],
)
def test_bad_addresses_name_the_expected_form(target):
    with pytest.raises(ValidationError, match="PLUGIN:http"):
        split_target(target)


@given(st.text(max_size=40))
def test_any_text_is_an_address_or_a_validation_error(text):
    try:
        plugin, url, _ = split_target(text)
    except ValidationError:
        return
    assert plugin
    assert url.startswith(("http://", "https://"))
    assert "@" not in url.split("//", 1)[1].split("/", 1)[0]


def test_open_lighting_refuses_plugins_without_a_controller_and_unknown_options():
    registry = Registry().load()
    with pytest.raises(PluginNotFoundError):
        open_lighting(registry, "nosuch:http://127.0.0.1:1")
    with pytest.raises(CapabilityError, match="no lighting controller"):
        open_lighting(registry, "gtfs:http://127.0.0.1:1")
    if "slv" in {p.name for p in registry.plugins}:
        with pytest.raises(ValidationError, match="takes no option"):
            open_lighting(registry, "slv:http://u:p@127.0.0.1:1", options={"colour": "red"})
