"""The WhatsApp channel's settings and secrets: the channel off unless a number is configured, the approved
templates' names, and the secrets read once per process for 5 minutes, the environment's winning over Secrets
Manager's (which tests/integration/test_whatsapp_graph_api.py reads on moto)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib.adapters import secrets
from chalicelib.bootstrap import build_services
from chalicelib.config import ConfigError, Settings

ENV = {"WHATSAPP_ACCESS_TOKEN": "token-1", "WHATSAPP_APP_SECRET": "secret-1", "WHATSAPP_VERIFY_TOKEN": "verify-1"}


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    secrets.forget()
    yield
    secrets.forget()


def test_the_channel_is_off_without_a_phone_number_id_and_on_with_one():
    assert Settings.from_env({}).whatsapp_phone_number_id == ""
    assert build_services(Settings.from_env({})).whatsapp is None
    on = Settings.from_env({"WHATSAPP_PHONE_NUMBER_ID": " 1234567890 "})
    assert on.whatsapp_phone_number_id == "1234567890"
    assert build_services(on).whatsapp is not None  # nothing is called, nor imported, until it sends


def test_the_defaults_are_the_graph_api_and_the_templates_to_have_approved():
    cfg = Settings.from_env({})
    assert cfg.whatsapp_api_url == "https://graph.facebook.com/v21.0"
    assert (cfg.whatsapp_template_language, cfg.whatsapp_secret_arn) == ("id", "")
    assert (
        cfg.whatsapp_receipt_template,
        cfg.whatsapp_question_template,
        cfg.whatsapp_reply_template,
        cfg.whatsapp_update_template,
    ) == ("aspirasi_diterima", "aspirasi_pertanyaan", "aspirasi_jawaban", "aspirasi_kabar")


def test_every_whatsapp_setting_is_read_from_its_variable():
    cfg = Settings.from_env(
        {
            "WHATSAPP_API_URL": "http://127.0.0.1:8025/graph/v21.0/",
            "WHATSAPP_SECRET_ARN": "arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:wa",
            "WHATSAPP_TEMPLATE_LANGUAGE": "en",
            "WHATSAPP_REPLY_TEMPLATE": "r",
            "WHATSAPP_RECEIPT_TEMPLATE": "d",
            "WHATSAPP_QUESTION_TEMPLATE": "q",
            "WHATSAPP_UPDATE_TEMPLATE": "k",
        }
    )
    assert cfg.whatsapp_api_url == "http://127.0.0.1:8025/graph/v21.0"
    assert cfg.whatsapp_secret_arn.endswith(":secret:wa")
    assert (cfg.whatsapp_template_language, cfg.whatsapp_reply_template, cfg.whatsapp_receipt_template) == (
        "en",
        "r",
        "d",
    )
    assert (cfg.whatsapp_question_template, cfg.whatsapp_update_template) == ("q", "k")


@pytest.mark.parametrize("url", ["graph.facebook.com/v21.0", "ftp://graph.facebook.com", "https://"])
def test_an_api_url_that_is_not_http_stops_the_start(url):
    with pytest.raises(ConfigError, match="WHATSAPP_API_URL"):
        Settings.from_env({"WHATSAPP_API_URL": url})


def test_the_secrets_come_from_the_environment_and_are_kept_five_minutes():
    clock = [100.0]
    env = dict(ENV)
    first = secrets.whatsapp_secrets(Settings(), env, lambda: clock[0])
    assert (first.access_token, first.app_secret, first.verify_token) == ("token-1", "secret-1", "verify-1")
    env["WHATSAPP_ACCESS_TOKEN"] = "token-2"  # rotated
    clock[0] += secrets.CACHE_SECONDS - 1
    assert secrets.whatsapp_secrets(Settings(), env, lambda: clock[0]).access_token == "token-1"  # still cached
    clock[0] += 1
    assert secrets.whatsapp_secrets(Settings(), env, lambda: clock[0]).access_token == "token-2"  # read again


def test_forgetting_reads_them_again_at_once():
    env = dict(ENV)
    assert secrets.whatsapp_secrets(Settings(), env).app_secret == "secret-1"
    env["WHATSAPP_APP_SECRET"] = "secret-2"
    secrets.forget()
    assert secrets.whatsapp_secrets(Settings(), env).app_secret == "secret-2"


def test_missing_secrets_stop_with_their_names_and_no_value():
    with pytest.raises(ConfigError) as raised:
        secrets.whatsapp_secrets(Settings(), {"WHATSAPP_ACCESS_TOKEN": "token-1"})
    assert "app_secret, verify_token" in str(raised.value) and "token-1" not in str(raised.value)


def test_a_secret_never_shows_in_a_repr():
    assert "token-1" not in repr(secrets.whatsapp_secrets(Settings(), ENV))
