"""Attachments through the API and the bucket, shared by the attachment, privacy and red-team integration tests."""

from __future__ import annotations

import boto3
import requests

from ..samples import PNG
from .helpers import COMPLAINT, call

PNG_SIZE = len(PNG)


def submitted(client, token) -> str:
    response, created = call(client, "post", "/complaints", COMPLAINT, token)
    assert response.status_code == 201, created
    return created["id"]


def ask(client, token, cid, filename="jalan.png", content_type="image/png", size=PNG_SIZE, status=201):
    response, body = call(
        client,
        "post",
        f"/complaints/{cid}/attachments",
        {"filename": filename, "content_type": content_type, "size": size},
        token,
    )
    assert response.status_code == status, body
    return response, body


def upload(asked: dict, data: bytes, content_type: str | None = None) -> requests.Response:
    """What the browser does: a multipart POST of the policy's fields, then the file (last)."""
    fields = asked["upload"]["fields"]
    files = {"file": (asked["filename"], data, content_type or fields["Content-Type"])}
    response = requests.post(asked["upload"]["url"], data=fields, files=files, timeout=10)
    assert response.status_code in (200, 201, 204), response.text
    return response


def objects(stack) -> list[str]:
    s3 = boto3.client("s3", region_name=stack.region)
    return [o["Key"] for o in s3.list_objects_v2(Bucket=stack.uploads.bucket).get("Contents", [])]


def citizen_view(client, token, cid) -> dict:
    response, view = call(client, "get", f"/complaints/{cid}", token=token)
    assert response.status_code == 200, view
    return view
