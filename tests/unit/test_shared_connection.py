"""One PynamoDB connection (one botocore session and DynamoDB client) for all the tables (adapters/tables.py).

No AWS call is made: making a client needs only a region.
"""

from __future__ import annotations

import threading

import pytest
from pynamodb.attributes import UnicodeAttribute

from chalicelib.adapters import tables


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    tables.reset_connections()
    yield
    tables.reset_connections()


def test_every_model_shares_one_connection_and_client_knowing_every_table():
    connections = {id(model._get_connection().connection) for model in tables.MODELS}
    assert len(connections) == 1
    shared = tables.ComplaintModel._get_connection().connection
    assert {id(model._get_connection().connection.client) for model in tables.MODELS} == {id(shared.client)}
    for model in tables.MODELS:  # each table's schema, as PynamoDB's operations need it
        assert shared.get_meta_table(model.Meta.table_name).table_name == model.Meta.table_name
        assert model._get_connection().table_name == model.Meta.table_name


def test_threads_first_using_the_models_at_once_get_the_one_connection():
    seen: list[tuple[int, int]] = []
    start = threading.Barrier(8)

    def use() -> None:
        start.wait()
        for model in tables.MODELS:
            connection = model._get_connection().connection
            seen.append((id(connection), id(connection.client)))

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 * len(tables.MODELS)
    assert len({connection for connection, _ in seen}) == 1


def test_reset_connections_makes_a_new_client_with_the_endpoint_of_that_moment(monkeypatch):
    before = tables.LinkModel._get_connection().connection
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5999")
    tables.reset_connections()
    after = tables.LinkModel._get_connection().connection
    assert after is not before
    assert after.client.meta.endpoint_url == "http://127.0.0.1:5999"
    assert tables.AuditModel._get_connection().connection is after


def test_a_model_dropped_alone_joins_the_shared_connection_again():
    shared = tables.WorkItemModel._get_connection().connection
    tables.WorkItemModel._connection = None
    assert tables.WorkItemModel._get_connection().connection is shared


def test_a_model_with_its_own_host_gets_its_own_connection():
    class Elsewhere(tables.SharedConnectionModel):
        class Meta:
            table_name = "elsewhere"
            region = tables.REGION
            host = "http://127.0.0.1:5998"

        id = UnicodeAttribute(hash_key=True)

    try:
        own = Elsewhere._get_connection().connection
        assert own is not tables.ComplaintModel._get_connection().connection
        assert own.client.meta.endpoint_url == "http://127.0.0.1:5998"
        assert own.client.meta.region_name == tables.REGION
    finally:
        Elsewhere._connection = None


def test_reset_reaches_a_model_that_is_not_listed_in_models():
    class Unlisted(tables.SharedConnectionModel):
        class Meta:
            table_name = "unlisted"
            region = tables.REGION

        id = UnicodeAttribute(hash_key=True)

    before = Unlisted._get_connection().connection
    assert before is tables.ComplaintModel._get_connection().connection
    tables.reset_connections()
    after = Unlisted._get_connection().connection
    assert after is not before and after is tables.ComplaintModel._get_connection().connection
