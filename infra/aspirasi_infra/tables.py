"""DynamoDB tables derived from the PynamoDB models: one source of truth for keys and indexes."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

from chalicelib.adapters.tables import MODELS, TTL_ATTRIBUTES

_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER, "B": dynamodb.AttributeType.BINARY}
# PynamoDB's Meta.stream_view_type (its constants are DynamoDB's own names) -> CDK's.
_STREAMS = {view.value: view for view in dynamodb.StreamViewType}


def stream_of(model) -> dynamodb.StreamViewType | None:
    """The table's DynamoDB stream, as its model's ``Meta.stream_view_type`` declares (None: no stream)."""
    view = getattr(model.Meta, "stream_view_type", None)
    return _STREAMS[view] if view else None


def _key(schema: list[dict], definitions: dict[str, str], kind: str) -> dynamodb.Attribute | None:
    for element in schema:
        if element["KeyType"] == kind:
            name = element["AttributeName"]
            return dynamodb.Attribute(name=name, type=_TYPES[definitions[name]])
    return None


def table_name(prefix: str, model) -> str:
    return f"{prefix}-{model.Meta.suffix}"


def table_from_model(scope: Construct, model, prefix: str) -> dynamodb.Table:
    schema = model._get_schema()
    definitions = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
    table = dynamodb.Table(
        scope,
        model.__name__.removesuffix("Model"),
        table_name=table_name(prefix, model),
        partition_key=_key(schema["key_schema"], definitions, "HASH"),
        sort_key=_key(schema["key_schema"], definitions, "RANGE"),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
        deletion_protection=True,
        encryption=dynamodb.TableEncryption.AWS_MANAGED,
        removal_policy=RemovalPolicy.RETAIN,
        time_to_live_attribute=TTL_ATTRIBUTES.get(model),
        stream=stream_of(model),
    )
    for index in schema["global_secondary_indexes"]:
        index_definitions = {d["AttributeName"]: d["AttributeType"] for d in index["attribute_definitions"]}
        if index["projection"]["ProjectionType"] != "ALL":
            raise ValueError(f"{model.__name__}.{index['index_name']}: only ALL projections are mapped")
        table.add_global_secondary_index(
            index_name=index["index_name"],
            partition_key=_key(index["key_schema"], index_definitions, "HASH"),
            sort_key=_key(index["key_schema"], index_definitions, "RANGE"),
            projection_type=dynamodb.ProjectionType.ALL,
        )
    return table


def tables(scope: Construct, prefix: str) -> dict:
    """Every table the app uses, keyed by its model class."""
    return {model: table_from_model(scope, model, prefix) for model in MODELS}
