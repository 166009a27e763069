"""Attachments in S3: presigned POSTs for the browser, short-lived download links, the checks.

The browser uploads straight to S3 with a presigned POST whose policy pins the object key, the
Content-Type and the size; S3 tells the uploads queue when the object lands (an ObjectCreated
event notification), and the consumer reads the object to judge it. What passes is written, once,
under ``accepted/`` (a prefix no upload policy can write, and no event announces) and served from
there; the uploaded object is then deleted. Nothing in the bucket is ever public: every download
is a presigned GET that lives a few minutes.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any
from urllib.parse import quote, unquote_plus, urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from ..domain.files import UPLOAD_EXPIRES_SECONDS, parse_object_key, stored_key

DOWNLOAD_EXPIRES_SECONDS = 5 * 60
_MISSING = {"404", "NoSuchKey", "NotFound"}
_EXISTS = {"PreconditionFailed", "412"}
_SOURCE_ETAG = "source-etag"  # the checked copy's metadata: the ETag of the upload it was made from


def _endpoint_url() -> str | None:
    """The S3 endpoint boto3 uses when one is configured (the local stack's moto server)."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


class S3Uploads:
    def __init__(self, bucket: str, region: str):
        self.bucket = bucket
        self.region = region

    @cached_property
    def _client(self):
        # Created on first use. Regional, virtual-hosted URLs in AWS (what the bucket's CORS and the
        # page's connect-src name); path style on a local endpoint (moto's server at 127.0.0.1:port).
        style = "path" if _endpoint_url() else "virtual"
        return boto3.client(
            "s3", region_name=self.region, config=Config(signature_version="s3v4", s3={"addressing_style": style})
        )

    @property
    def origin(self) -> str:
        """Where the browser sends uploads (scheme://host[:port]): for the page's Content-Security-Policy."""
        endpoint = _endpoint_url()
        if endpoint:
            parts = urlsplit(endpoint)
            return f"{parts.scheme}://{parts.netloc}"
        return f"https://{self.bucket}.s3.{self.region}.amazonaws.com"

    # -- the API: upload policies and download links ---------------------------------------
    def presigned_post(
        self, key: str, content_type: str, max_bytes: int, expires: int = UPLOAD_EXPIRES_SECONDS
    ) -> dict[str, Any]:
        """``{url, fields}``: a form POST that can create exactly this object, of this type, this large at most."""
        post = self._client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=expires,
        )
        return {"url": post["url"], "fields": post["fields"]}

    def download_url(
        self,
        key: str,
        filename: str,
        content_type: str,
        original_name: str | None = None,
        expires: int = DOWNLOAD_EXPIRES_SECONDS,
        inline: bool = False,
    ) -> str:
        """A presigned GET that downloads under a safe name and the checked type; ``inline`` lets the browser
        show it instead (a checked PDF for staff, in a new tab on the bucket's own origin, never ours).

        ``filename`` must be safe in a header as it is (ASCII, no quotes: domain.files.download_name);
        ``original_name`` adds the name as the citizen wrote it, percent-encoded (RFC 6266).
        """
        disposition = f'{"inline" if inline else "attachment"}; filename="{filename}"'
        if original_name and original_name != filename:
            disposition += f"; filename*=UTF-8''{quote(original_name, safe='')}"
        return self._client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=expires,
        )

    # -- the consumer: what landed ------------------------------------------------------------
    def head(self, key: str) -> dict | None:
        """``{size, etag}`` of the object, or None if there is none."""
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return {"size": int(head["ContentLength"]), "etag": head.get("ETag", "").strip('"')}

    def first_bytes(self, key: str, count: int, etag: str | None = None) -> bytes | None:
        """The object's first ``count`` bytes (a ranged GET; all of it when ``count`` is its size); None if it is
        gone or changed meanwhile."""
        kwargs = {"IfMatch": f'"{etag}"'} if etag else {}
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{count - 1}", **kwargs)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING | {"PreconditionFailed", "412"}:
                return None
            raise
        with response["Body"] as body:
            return body.read(count)

    def keep(self, key: str, data: bytes, content_type: str, source_etag: str) -> dict:
        """Write the checked file at ``key`` unless one is there already; ``{size, content_type, source_etag}`` of
        the file that is there now.

        Written once (``If-None-Match: *``): a second consumer judging a second upload for the same
        slot cannot replace the first's file, so whichever was written is the one the attachment records.
        """
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                Metadata={_SOURCE_ETAG: source_etag},
                IfNoneMatch="*",
            )
            return {"size": len(data), "content_type": content_type, "source_etag": source_etag}
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in _EXISTS:
                raise
        head = self._client.head_object(Bucket=self.bucket, Key=key)
        return {
            "size": int(head["ContentLength"]),
            "content_type": head.get("ContentType", content_type),
            "source_etag": head.get("Metadata", {}).get(_SOURCE_ETAG, ""),
        }

    def put_upload(self, key: str, data: bytes, content_type: str) -> None:
        """Put bytes at an upload key ourselves (a WhatsApp photo fetched from the Graph API): S3 then tells the
        uploads queue, and the photo is checked and cleaned like a browser's upload."""
        self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=content_type)

    def discard_upload(self, key: str) -> None:
        """Remove the uploaded object only (what landed at the policy's key); a checked copy stays."""
        self._client.delete_object(Bucket=self.bucket, Key=key)

    def delete(self, key: str) -> None:
        """Remove the attachment whose upload key is ``key``: the uploaded object and its checked copy.

        Deleting what is not there succeeds, so this is safe to repeat (erasure, a refused upload).
        """
        self._client.delete_object(Bucket=self.bucket, Key=key)
        ids = parse_object_key(key)
        if ids is not None:
            self._client.delete_object(Bucket=self.bucket, Key=stored_key(*ids))


def landed_objects(message: dict) -> list[tuple[str, str, int | None]]:
    """The (bucket, key, size) of each object an S3 event notification reports as created.

    S3 URL-encodes keys in notifications (a space as ``+``). The ``s3:TestEvent`` S3 sends when
    the notification is configured, and any other event, yields nothing.
    """
    found = []
    for record in message.get("Records") or []:
        if record.get("eventSource") != "aws:s3" or not str(record.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = record.get("s3") or {}
        key = (s3.get("object") or {}).get("key")
        bucket = (s3.get("bucket") or {}).get("name")
        if key and bucket:
            size = (s3.get("object") or {}).get("size")
            found.append((bucket, unquote_plus(key), size if isinstance(size, int) else None))
    return found
