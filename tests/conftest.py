"""Shared fixtures: an empty user data folder, so no import on this machine leaks into a test."""

from __future__ import annotations


import pytest

from gazetteer import Gazetteer



@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("INCIDENT_MAPPER_DATA", str(tmp_path_factory.getbasetemp() / "user-data"))


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded once."""
    return Gazetteer.bundled()
