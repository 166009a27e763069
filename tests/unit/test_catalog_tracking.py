"""The category catalog, mailbox configuration and tracking numbers."""

import re

import pytest

from chalicelib.config import ConfigError, Settings
from chalicelib.domain import catalog, sop, tracking

REQUIRED_OPDS = {
    "DISDIKBUD",
    "DINKES",
    "PUPR-PERA",
    "DISHUB",
    "DLH",
    "DINSOS",
    "BAPENDA",
    "BKD",
    "DISNAKERTRANS",
    "DPMPTSP",
    "ESDM",
    "DISKOMINFO",
    "SATPOLPP",
    "BPBD",
    "RSUD-AWS",
}


def test_catalog_has_at_least_12_categories_each_with_subcategories_and_an_opd():
    assert len(catalog.CATEGORIES) >= 12
    for category in catalog.CATEGORIES.values():
        assert category.subcategories, category.code
        assert category.opd in catalog.OPDS, category.code
        codes = [s.code for s in category.subcategories]
        assert len(codes) == len(set(codes)), category.code


def test_catalog_names_the_provincial_agencies():
    assert REQUIRED_OPDS <= set(catalog.OPDS)
    assert catalog.OPDS["RSUD-AWS"].name == "RSUD Abdul Wahab Sjahranie"


def test_catalog_json_shape():
    first = catalog.as_json()[0]
    assert set(first) == {"code", "name", "subcategories", "opd"}
    assert set(first["opd"]) == {"code", "name"}
    assert set(first["subcategories"][0]) == {"code", "name"}


def test_team_mailboxes_default_and_configurable():
    default = Settings.from_env({})
    assert default.mailbox(sop.Role.OPERATOR) == ("operator@aspirasi.kaltimprov.go.id",)
    assert default.mailbox(sop.Role.OPD, "RSUD-AWS") == ("opd-rsud-aws@aspirasi.kaltimprov.go.id",)
    configured = Settings.from_env(
        {
            "MAILBOX_DISKOMINFO": "aspirasi@diskominfo.kaltimprov.go.id, piket@diskominfo.kaltimprov.go.id",
            "MAILBOX_OPD_RSUD_AWS": "humas@rsudaws.kaltimprov.go.id",
        }
    )
    assert configured.mailbox(sop.Role.DISKOMINFO) == (
        "aspirasi@diskominfo.kaltimprov.go.id",
        "piket@diskominfo.kaltimprov.go.id",
    )
    assert configured.mailbox(sop.Role.OPD, "RSUD-AWS") == ("humas@rsudaws.kaltimprov.go.id",)
    with pytest.raises(ValueError):
        configured.mailbox(sop.Role.OPD)


@pytest.mark.parametrize(
    "env",
    [
        {"SLA_CALENDAR": "weekdays"},
        {"SLA_TIME_SCALE": "0"},
        {"SLA_TIME_SCALE": "fast"},
        {"OFFICE_HOURS": "8-4"},
        {"OFFICE_DAYS": "0-4"},
        {"CUTI_BERSAMA": "17-08-2026"},
        {"SLA_MINUTES_INTAKE": "-5"},
        {"SLA_REMIND_FRACTION_OPD_RESPONSE": "2"},
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(env):
    with pytest.raises(ConfigError):
        Settings.from_env(env)


def test_tracking_numbers_are_short_readable_and_unambiguous():
    numbers = {tracking.new_tracking_number() for _ in range(5000)}
    assert len(numbers) == 5000
    for number in numbers:
        assert re.fullmatch(r"KT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", number), number
        assert not set(number) & set("ILOU")


def test_tracking_numbers_read_as_dictated():
    assert tracking.normalize("kt 7k4m 9q2x") == "KT-7K4M-9Q2X"
    assert tracking.normalize("KT-OOIL-2222") == "KT-0011-2222"
    assert tracking.normalize("7K4M9Q2X") == "KT-7K4M-9Q2X"
    assert tracking.normalize("KT-7K4M-9Q2") is None
    assert tracking.normalize("<script>") is None
