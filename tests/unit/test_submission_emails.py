"""What a citizen may submit, and that emails escape what citizens wrote."""

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.submission import parse_submission
from chalicelib.rendering import format_wita, render_email

GOOD = {
    "category": "infrastruktur",
    "subcategory": "jalan-rusak",
    "title": "Jalan berlubang",
    "description": "Jalan poros Samarinda-Bontang km 12 berlubang besar.",
}


def test_a_good_submission():
    submission = parse_submission(dict(GOOD, location=" Km 12 ", anonymous=True))
    assert submission.location == "Km 12" and submission.anonymous and not submission.confidential


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"category": None}, "category", "required"),
        ({"category": "sihir"}, "category", "unknown_category"),
        ({"subcategory": "ppdb"}, "subcategory", "unknown_subcategory"),
        ({"title": "x" * 151}, "title", "too_long"),
        ({"description": "pendek"}, "description", "too_short"),
        ({"description": "x" * 5001}, "description", "too_long"),
        ({"anonymous": "yes"}, "anonymous", "not_boolean"),
        ({"title": ["a"]}, "title", "not_text"),
    ],
)
def test_bad_submissions_name_the_field(change, field, code):
    with pytest.raises(ValidationFailed) as refused:
        parse_submission({**GOOD, **change})
    assert any(e["field"] == field and e["code"] == code for e in refused.value.errors)


def test_not_an_object():
    with pytest.raises(ValidationFailed):
        parse_submission(["a"])


def _case(**overrides):
    case = {
        "id": "c1",
        "tracking_number": "KT-AAAA-BBBB",
        "category_name": "Infrastruktur",
        "subcategory_name": "Jalan",
        "title": "<script>alert(1)</script>",
        "description": "a & b <b>",
        "location": None,
        "confidential": False,
        "citizen_name": "Budi <img>",
        "reply": "<i>ok</i>",
        "close_reason": None,
        "channel": "web",
    }
    case.update(overrides)
    return case


def _citizen_context(case: dict, **extra) -> dict:
    return {
        "c": case,
        "base_url": "http://x",
        "case_url": "http://x/?case=c1",
        "track_url": "http://x/?track=KT-0000-0000",
        "rating_url": "https://rate.example/ratings/tok",
        **extra,
    }


def test_html_email_escapes_citizen_text_and_text_part_keeps_it_readable():
    email = render_email("reply", _citizen_context(_case()))
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<i>ok</i>" not in email.html and "&lt;i&gt;ok&lt;/i&gt;" in email.html
    assert "Budi &lt;img&gt;" in email.html
    assert "<i>ok</i>" in email.text  # plain text is not HTML: shown as written
    assert "Jawaban" in email.subject and "KT-AAAA-BBBB" in email.subject


def test_a_reporter_who_phoned_is_not_told_to_log_in():
    track = {"base_url": "http://x", "track_url": "http://x/?track=KT-AAAA-BBBB"}
    web = render_email("received", {"c": _case(), **track})
    phoned = render_email("received", {"c": _case(channel="phone"), **track})
    assert "dengan akun Anda" in web.text and "log in" in web.html
    assert "akun" not in phoned.text and "log in" not in phoned.html and "operator" in phoned.text
    for email in (web, phoned):  # anyone may look the number up without an account
        assert (
            email.text.count("http://x/?track=KT-AAAA-BBBB") == 2
            and 'href="http://x/?track=KT-AAAA-BBBB"' in email.html
        )
    reply = render_email("reply", _citizen_context(_case(channel="letter")))
    assert "http://x" not in reply.text and "KT-AAAA-BBBB" in reply.text


def test_subject_is_one_line_whatever_the_citizen_wrote():
    email = render_email("reply", _citizen_context(_case(tracking_number="KT-AAAA\r\nBcc: x@y")))
    assert "\n" not in email.subject and "\r" not in email.subject


def test_confidential_case_keeps_its_text_out_of_staff_email():
    from chalicelib.domain import sop

    context = {
        "c": _case(confidential=True, description="rahasia sekali"),
        "stage": sop.stage("intake"),
        "team": "Operator",
        "due_at": "2026-11-30T02:00:00+00:00",
        "entered_at": "2026-11-30T01:00:00+00:00",
        "link": "http://x/actions/t",
        "link_expires_at": "2026-12-14T02:00:00+00:00",
        "visit": {},
    }
    email = render_email("assigned", context)
    assert "rahasia sekali" not in email.html and "rahasia sekali" not in email.text
    assert "http://x/actions/t" in email.html and "http://x/actions/t" in email.text


def test_deadlines_read_in_wita():
    assert format_wita("2026-11-30T02:00:00+00:00") == "Senin, 30 November 2026 10:00 WITA"


def test_reply_email_offers_five_rating_links_that_only_open_a_page():
    email = render_email("reply", _citizen_context(_case()))
    for score in range(1, 6):
        assert f"https://rate.example/ratings/tok?score={score}" in email.html
        assert f"https://rate.example/ratings/tok?score={score}" in email.text
    assert "Kirim" in email.html  # the choice is saved only by the page's Send button


def test_question_email_escapes_the_question_and_links_the_case_page():
    from chalicelib.domain import sop

    context = _citizen_context(
        _case(),
        question="Pasar <b>mana</b>?",
        stage=sop.stage("classification"),
        expires_at="2026-12-07T02:00:00+00:00",
        deadline=sop.ANSWER_DEADLINE,
    )
    email = render_email("question", context)
    assert "Pasar &lt;b&gt;mana&lt;/b&gt;?" in email.html and "<b>mana</b>" not in email.html
    assert "http://x/?case=c1" in email.html and "10 hari kerja" in email.text
    phoned = render_email("question", {**context, "c": _case(channel="phone")})
    assert "http://x/?case=c1" not in phoned.text and "operator" in phoned.text


def test_the_team_reads_the_citizens_answer_and_a_reopening_reason_in_its_email():
    from chalicelib.domain import sop

    context = {
        "c": _case(),
        "stage": sop.stage("classification"),
        "team": "Diskominfo",
        "due_at": "2026-11-30T02:00:00+00:00",
        "entered_at": "2026-11-30T01:00:00+00:00",
        "link": "http://x/actions/t",
        "link_expires_at": "2026-12-14T02:00:00+00:00",
        "visit": {"question": "Pasar mana?", "answer": "Pasar <Segiri>"},
    }
    email = render_email("assigned", context)
    assert "Pasar &lt;Segiri&gt;" in email.html and "Pasar <Segiri>" in email.text
    reopened = render_email("reminder", {**context, "visit": {"reopen_reason": "Masih rusak", "round": 2}})
    assert "Masih rusak" in reopened.html and "putaran 2" in reopened.text


def test_duplicate_and_unanswered_emails_name_what_happens_next():
    dup = render_email("duplicate", _citizen_context(_case(), original="KT-CCCC-DDDD"))
    assert "KT-CCCC-DDDD" in dup.subject and "KT-CCCC-DDDD" in dup.text and "http://x/?case=c1" in dup.html
    closed = render_email("unanswered", _citizen_context(_case(close_reason="tidak dijawab")))
    assert "tidak dijawab" in closed.text


# Issue 18, defect 5: a confidential complaint's answers to questions went to the team in plain text.
CITIZEN_WORDS = {
    "title": "JUDULRAHASIA",
    "description": "ISIRAHASIA di rumah Pak Hasan",
    "location": "LOKASIRAHASIA RT 07",
    "answer": "JAWABANRAHASIA",
    "reopen_reason": "ALASANRAHASIA",
}


def every_email_context(confidential: bool, visit: dict) -> dict:
    """One context every email template renders with (StrictUndefined: a missing key fails the render)."""
    from chalicelib.domain import sop
    from chalicelib.service.monthly_report import email_context

    from .report_sample import sample_report

    words = {k: CITIZEN_WORDS[k] for k in ("title", "description", "location")}
    return {
        **email_context(sample_report(), "2026-11", "laporan-sla-2026-11.xlsx", "http://x/staff"),
        **_citizen_context(_case(confidential=confidential, **words)),
        "stage": sop.stage("classification"),
        "team": "Diskominfo",
        "supervisor": "Supervisor",
        "due_at": "2026-11-30T02:00:00+00:00",
        "entered_at": "2026-11-30T01:00:00+00:00",
        "link": "http://x/actions/t",
        "link_expires_at": "2026-12-14T02:00:00+00:00",
        "visit": visit,
        "question": "Di mana tepatnya?",
        "expires_at": "2026-12-07T02:00:00+00:00",
        "deadline": sop.ANSWER_DEADLINE,
        "original": "KT-CCCC-DDDD",
        "escalations": 1,
        "email": "a@x.id",
        "account": "a@x.id",
        "temporary_password": "Abcdefgh2345",
        "valid_days": 3,
        "login_url": "http://x/",
        "code": "123456",
    }


@pytest.mark.parametrize(
    "visit",
    [
        {"question": "Di mana?", "answer": CITIZEN_WORDS["answer"]},
        {"reopen_reason": CITIZEN_WORDS["reopen_reason"], "round": 2},
    ],
)
def test_no_email_template_shows_a_confidential_citizens_words(visit):
    from chalicelib.rendering import email_templates

    shown_when_public = set()
    for name in email_templates():
        public = render_email(name, every_email_context(False, visit))
        secret = render_email(name, every_email_context(True, visit))
        for part in ("subject", "text", "html"):
            for field, words in CITIZEN_WORDS.items():
                if words in getattr(public, part):
                    shown_when_public.add(field)
                assert words not in getattr(secret, part), (name, part, field)
    # The check is real: the same templates do show these words for a case that is not confidential.
    assert shown_when_public >= {"title", "description", "location"} | ({"answer"} & set(visit)) | (
        {"reopen_reason"} & set(visit)
    )
