"""Shared test set-up: fake credentials and a region, before any AWS client or model is imported."""

import os

from hypothesis import settings

# `make test` (and so CI) draws the same examples every run (HYPOTHESIS_PROFILE=repeatable): a run passes or
# fails for the code, not for the draw. Run pytest directly to explore: the default profile draws afresh.
settings.register_profile("repeatable", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.setdefault("AWS_REGION", "ap-southeast-3")
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.setdefault("TABLE_PREFIX", "test")
