"""Shared test set-up: fake credentials and a region, before any AWS client or model is imported."""

import os

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.setdefault("AWS_REGION", "ap-southeast-3")
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.setdefault("TABLE_PREFIX", "test")
