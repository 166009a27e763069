"""The ``store`` fixture: each contract test runs against the in-memory fake and the real store on moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.adapters import tables
from tests.fakes.store import InMemoryStore

from .support import DynamoStore


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[None]:
    """The tables on moto, made once for the module (making them is most of a test's time)."""
    with mock_aws():
        tables.reset_connections()  # PynamoDB's client: made afresh inside this mock
        tables.create_tables()
        yield
    tables.reset_connections()


@pytest.fixture(params=["fake", "dynamodb"])
def store(request) -> Iterator[Any]:
    if request.param == "fake":
        yield InMemoryStore()
        return
    request.getfixturevalue("dynamodb")
    for model in tables.MODELS:  # each test starts from empty tables, as with the fake
        for item in model.scan():
            item.delete()
    yield DynamoStore()
