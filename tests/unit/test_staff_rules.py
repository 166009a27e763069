"""The staff permission table and the per-object rules, and what an operator may enter."""

import pytest

from chalicelib.domain import catalog, sop
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.roles import PERMISSIONS, Action, StaffMember, all_groups, all_queues
from chalicelib.domain.submission import CHANNELS, parse_entry


def member(*groups):
    return StaffMember("x@kaltimprov.go.id", frozenset(groups))


def test_groups_carry_roles_and_agencies():
    dinkes = member("opd-DINKES", "opd-NOPE", "citizens")
    assert dinkes.roles == {"opd"} and dinkes.opds == {"DINKES"}
    assert member("operator", "diskominfo").roles == {"operator", "diskominfo"}
    assert not member().is_staff and not member("opd").is_staff  # "opd" alone names no agency
    assert set(all_groups()) == {"operator", "diskominfo", "supervisor", "admin"} | {
        f"opd-{code}" for code in catalog.OPDS
    }


def test_a_citizen_may_do_nothing_on_the_staff_side():
    assert not any(member().may(action) for action in Action)


@pytest.mark.parametrize(
    "group, allowed",
    [
        ("operator", {Action.READ_QUEUE, Action.READ_CASE, Action.DECIDE, Action.ENTER_COMPLAINT}),
        (
            "diskominfo",
            {Action.READ_QUEUE, Action.READ_CASE, Action.DECIDE, Action.READ_REPORTS, Action.MANAGE_TEMPLATES},
        ),
        ("supervisor", {Action.READ_QUEUE, Action.READ_CASE, Action.READ_REPORTS}),
        (
            "admin",
            {
                Action.READ_QUEUE,
                Action.READ_CASE,
                Action.READ_REPORTS,
                Action.MANAGE_MEMBERS,
                Action.MANAGE_API_KEYS,
                Action.MANAGE_TEMPLATES,
            },
        ),
        ("opd-DINKES", {Action.READ_QUEUE, Action.READ_CASE, Action.DECIDE}),
    ],
)
def test_the_permission_table(group, allowed):
    assert {a for a in Action if member(group).may(a)} == allowed
    assert set(PERMISSIONS) == set(Action)


def test_stage_ownership_comes_from_the_sop_table():
    for stage in sop.STAGES:
        owners = [g for g in all_groups() if member(g).owns_stage(stage.name, "DINKES")]
        expected = ["opd-DINKES"] if stage.role is sop.Role.OPD else [stage.role.value]
        assert owners == expected, stage.name
    assert not member("opd-DINKES").owns_stage("opd_response", "DISHUB")


def test_an_agency_sees_only_cases_routed_to_it():
    assert member("opd-DINKES").may_see_case({"DINKES", "DISHUB"})
    assert not member("opd-DINKES").may_see_case({"DISHUB"})
    assert not member("opd-DINKES").may_see_case(set())
    assert member("operator").may_see_case(set()) and member("supervisor").may_see_case(set())


def test_queues():
    assert member("operator").queues() == ["role#operator"]
    assert member("opd-DLH", "opd-DINKES").queues() == ["opd#DINKES", "opd#DLH"]
    assert member("supervisor").queues() == member("admin").queues() == all_queues()
    assert len(all_queues()) == 2 + len(catalog.OPDS)


ENTRY = {
    "channel": "phone",
    "reporter": {"name": "Pak Darto", "phone": "0812-3456-7890"},
    "category": "infrastruktur",
    "subcategory": "jalan-rusak",
    "title": "Jalan berlubang",
    "description": "Jalan poros Samarinda-Bontang km 12 berlubang besar.",
}


def test_an_entered_complaint():
    submission, entry = parse_entry(dict(ENTRY, reporter={"name": " Pak Darto ", "email": "Darto@Example.ID"}))
    assert (
        entry.channel == "phone" and entry.reporter_name == "Pak Darto" and entry.reporter_email == "darto@example.id"
    )
    assert submission.category == "infrastruktur"
    assert set(CHANNELS) == {"phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor"}
    _, anonymous = parse_entry(dict(ENTRY, reporter={}, anonymous=True))
    assert anonymous.reporter_name is None


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"channel": "pigeon"}, "channel", "unknown_channel"),
        ({"channel": None}, "channel", "required"),
        ({"channel": "web"}, "channel", "unknown_channel"),
        ({"reporter": {}}, "reporter.name", "required"),
        ({"reporter": "Pak Darto"}, "reporter", "not_an_object"),
        ({"reporter": {"name": "A", "email": "no-at-sign"}}, "reporter.email", "invalid_email"),
        ({"reporter": {"name": "A", "phone": "call me"}}, "reporter.phone", "invalid_phone_number"),
        ({"channel": "sp4n_lapor"}, "external_ref", "required"),
        ({"external_ref": "a\nb"}, "external_ref", "invalid_external_ref"),
        ({"category": "sihir"}, "category", "unknown_category"),
    ],
)
def test_bad_entries_name_the_field(change, field, code):
    with pytest.raises(ValidationFailed) as refused:
        parse_entry({**ENTRY, **change})
    assert any(e["field"] == field and e["code"] == code for e in refused.value.errors), refused.value.errors
