"""The SLA report's charts (adapters/charts.py): one well-formed, self-contained SVG, escaped, to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from chalicelib.adapters.charts import render_svg

SVG = "{http://www.w3.org/2000/svg}"


def row(**values) -> dict:
    base = {
        "sop_business_minutes": 960,
        "completed": 100,
        "median_business_minutes": 35.2,
        "p90_business_minutes": 410.0,
        "within_sop_pct": 85.0,
        "breached": 15,
        "reminders": 14,
        "escalations": 4,
        "rating_average": 4.2,
        "ratings": 31,
    }
    return {**base, **values}


def month(code: str, received: int, answered: int, pct: float | None) -> dict:
    return row(
        month=code,
        label={"id": f"Bulan {code}", "en": f"Month {code}"},
        received=received,
        completed=answered,
        within_sop_pct=pct,
    )


def stage(name: str, pct: float | None, label: str | None = None, completed: int = 10) -> dict:
    label = label or name.title()
    return row(stage=name, label={"id": label, "en": label + " (en)"}, within_sop_pct=pct, completed=completed)


def report(months=(), stages=()) -> dict:
    return {
        "from": "2026-09-01",
        "to": "2026-11-30",
        "generated_at": "2026-11-28T12:00:00Z",
        "timezone": "Asia/Makassar",
        "items_read": 57,
        "totals": {"received": 120, "answered": 100, "answered_within_sop_pct": 85.0},
        "by_stage": list(stages),
        "by_opd": [],
        "by_channel": [],
        "by_category": [],
        "by_month": list(months),
    }


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [node for node in root.iter() if node.get("class") == name]


def attr(node: ET.Element, name: str) -> str:
    """An attribute the chart must have."""
    value = node.get(name)
    assert value is not None, f"{node.tag} has no {name}"
    return value


def text_of(node: ET.Element | None) -> str:
    """An element's text, which the chart must give."""
    assert node is not None and node.text is not None
    return node.text


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(SVG + "text")]


THREE_MONTHS = [month("2026-09", 100, 80, 90.0), month("2026-10", 50, 40, None), month("2026-11", 25, 0, 50.0)]
STAGES = [
    stage("intake", 100.0),
    stage("classification", 50.0),
    stage("opd_response", 25.0),
    stage("reply", None, completed=0),
]


def test_one_self_contained_svg_that_scales_and_speaks():
    svg = render_svg(report(THREE_MONTHS, STAGES))
    root = parse(svg)
    assert root.get("width") == "100%"
    _, _, width, height = (float(v) for v in attr(root, "viewBox").split())
    assert width <= 400 and height > 0  # about one unit per CSS pixel on a phone
    assert root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title.text == "Laporan SLA, 1 September – 30 November 2026"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Screen readers get every figure in words.
    assert "Diterima 120, dijawab 100; 85% dijawab dalam waktu SOP." in text_of(desc)
    assert "Bulan 2026-10: diterima 50, dijawab 40, tepat waktu –" in text_of(desc)
    assert "Classification: 50% dari 10 diputuskan" in text_of(desc)
    # No scripts, no styles, no links, no event handlers, nothing fetched from elsewhere.
    tags = {node.tag.removeprefix(SVG) for node in root.iter()}
    assert not tags & {"script", "style", "foreignObject", "image", "use", "a", "iframe"}
    for node in root.iter():
        for name in node.attrib:
            assert "href" not in name and not name.startswith("on") and name != "style"
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Readable on a phone: no text smaller than 12 units.
    sizes = [float(attr(node, "font-size")) for node in root.iter() if node.get("font-size")]
    assert min(sizes) >= 12


def test_the_expected_bars():
    root = parse(render_svg(report(THREE_MONTHS, STAGES)))
    assert len(with_class(root, "rp-month")) == 3
    assert [b.get("data-value") for b in with_class(root, "rp-received")] == ["100", "50", "25"]
    assert [b.get("data-value") for b in with_class(root, "rp-answered")] == ["80", "40", "0"]
    # The on-time share: a dot per month that has one; a month without breaks the line.
    assert [d.get("data-value") for d in with_class(root, "rp-on-time")] == ["90", "50"]
    assert with_class(root, "rp-on-time-line") == []
    # Per stage: a track for every stage, a bar for every stage with a figure, the figure beside it.
    assert len(with_class(root, "rp-stage")) == 4
    assert len(with_class(root, "rp-stage-track")) == 4
    assert [b.get("data-value") for b in with_class(root, "rp-stage-bar")] == ["100", "50", "25"]
    assert ["".join(t.itertext()) for t in with_class(root, "rp-stage-figure")] == ["100%", "50%", "25%", "–"]


def test_bars_are_to_scale():
    root = parse(render_svg(report(THREE_MONTHS, STAGES)))
    received = with_class(root, "rp-received")
    heights = [float(attr(b, "height")) for b in received]
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.02) == pytest.approx(4 * heights[2], abs=0.05)
    answered = [float(attr(b, "height")) for b in with_class(root, "rp-answered")]
    assert answered[0] == pytest.approx(heights[0] * 0.8, abs=0.02) and answered[2] == 0
    # Every bar stands on the same baseline.
    bottoms = {
        round(float(attr(b, "y")) + float(attr(b, "height")), 1) for b in received + with_class(root, "rp-answered")
    }
    assert len(bottoms) == 1
    # The on-time dots use the 0–100 % scale of the same plot: 90 % is 0.9 of the height above the baseline.
    baseline = bottoms.pop()
    (grid,) = with_class(root, "rp-grid")
    top = min(float(attr(line, "y1")) for line in grid.iter(SVG + "line"))  # the 100 % (and top count) line
    dots = with_class(root, "rp-on-time")
    assert baseline - float(attr(dots[0], "cy")) == pytest.approx(0.9 * (baseline - top), abs=0.05)
    # Stage bars: widths proportional to the share, on a track that is 100 %.
    widths = [float(attr(b, "width")) for b in with_class(root, "rp-stage-bar")]
    track = float(attr(with_class(root, "rp-stage-track")[0], "width"))
    assert widths == pytest.approx([track, track / 2, track / 4], abs=0.02)


def test_a_line_joins_the_months_that_have_a_share():
    months = [
        month("2026-01", 10, 10, 100.0),
        month("2026-02", 10, 5, 50.0),
        month("2026-03", 4, 0, None),
        month("2026-04", 8, 8, 75.0),
        month("2026-05", 8, 6, 25.0),
        month("2026-06", 8, 6, 40.0),
    ]
    root = parse(render_svg(report(months, STAGES)))
    lines = with_class(root, "rp-on-time-line")
    assert [len(line.get("points").split()) for line in lines] == [2, 3]


@pytest.mark.parametrize("label", ['<script>alert("x")</script> & Co', "A & B <b>tebal</b>"])
def test_labels_are_text_never_markup(label):
    months = [row(month="2026-11", label={"id": label, "en": label}, received=3, completed=2, within_sop_pct=50.0)]
    svg = render_svg(report(months, [stage("intake", 50.0, label=label[:20])]))
    root = parse(svg)  # still well-formed XML
    assert "<script" not in svg and "<b>" not in svg
    assert "&amp;" in svg and "&lt;" in svg
    assert not any(node.tag.removeprefix(SVG) in ("script", "b") for node in root.iter())
    assert [t.text for t in with_class(root, "rp-stage-label")] == [label[:20]]
    assert label in text_of(root.find(SVG + "desc"))
    assert with_class(root, "rp-received")[0].find(SVG + "title").text.startswith(label)


def test_a_long_label_is_cut():
    root = parse(render_svg(report([], [stage("opd_response", 40.0, label="Dinas Pekerjaan Umum dan Penataan Ruang")])))
    (label,) = with_class(root, "rp-stage-label")
    assert text_of(label).endswith("…") and len(text_of(label)) <= 24


@pytest.mark.parametrize("lang, words", [("id", "Belum ada data"), ("en", "No data yet")])
def test_an_empty_report_says_so(lang, words):
    for empty in (
        {},
        report(),
        {"by_month": None, "by_stage": None, "totals": None, "from": None, "to": None},
    ):
        root = parse(render_svg(empty, lang))
        assert texts(root).count(words) == 2  # both charts
        assert not with_class(root, "rp-received") and not with_class(root, "rp-stage-bar")
        assert not with_class(root, "rp-on-time")
        assert root.find(SVG + "title").text and root.find(SVG + "desc").text


@pytest.mark.parametrize("lang, words", [("id", "Belum ada data"), ("en", "No data yet")])
def test_stages_with_nothing_decided_are_still_drawn(lang, words):
    """The report lists every SOP stage; the chart shows each, at "–", so the whole procedure is in view."""
    empty = report(
        [month("2026-11", 0, 0, None)], [stage("intake", None, completed=0), stage("reply", None, completed=0)]
    )
    root = parse(render_svg(empty, lang))
    assert texts(root).count(words) == 1  # the monthly chart only
    assert [attr(g, "data-stage") for g in with_class(root, "rp-stage")] == ["intake", "reply"]
    assert ["".join(t.itertext()) for t in with_class(root, "rp-stage-figure")] == ["\u2013", "\u2013"]
    assert not with_class(root, "rp-stage-bar")


def test_zero_counts_but_a_stage_figure():
    root = parse(render_svg(report([month("2026-11", 0, 0, None)], [stage("intake", 0.0, completed=3)])))
    assert texts(root).count("Belum ada data") == 1
    (bar,) = with_class(root, "rp-stage-bar")
    assert float(attr(bar, "width")) == 0
    assert ["".join(t.itertext()) for t in with_class(root, "rp-stage-figure")] == ["0%"]


def test_english_and_numbers():
    months = [month("2026-11", 1234, 1000, 85.25)]
    svg_en = render_svg(report(months, [stage("intake", 97.34)]), "en")
    root = parse(svg_en)
    assert "Reports per month" in texts(root) and "Within SOP time per stage" in texts(root)
    assert [t.text for t in with_class(root, "rp-stage-label")] == ["Intake (en)"]
    assert "Month 2026-11: received 1,234, answered 1,000, on time 85.2%" in text_of(root.find(SVG + "desc"))
    assert "97.3%" in texts(root)
    root_id = parse(render_svg(report(months, [stage("intake", 97.34)]), "id"))
    assert "Bulan 2026-11: diterima 1.234, dijawab 1.000, tepat waktu 85,2%" in text_of(root_id.find(SVG + "desc"))
    assert "97,3%" in texts(root_id)
    assert render_svg(report(months), "xx") == render_svg(report(months), "id")  # unknown language: Indonesian


def test_many_months_name_only_a_few():
    months = [month(f"{2025 + i // 12}-{i % 12 + 1:02d}", 10 + i, 5 + i, 80.0) for i in range(24)]
    root = parse(render_svg(report(months, STAGES)))
    assert len(with_class(root, "rp-received")) == 24
    named = [g for g in with_class(root, "rp-month") if g.find(SVG + "text") is not None]
    assert 2 <= len(named) <= 6
    assert "2025" in texts(root) and "2026" in texts(root)  # the year under the first month named in it


def test_the_sample_report_of_the_contract():
    from .report_sample import sample_report

    sample = sample_report()
    root = parse(render_svg(sample, "en"))
    assert len(with_class(root, "rp-received")) == len(sample["by_month"])
    assert len(with_class(root, "rp-stage")) == len(sample["by_stage"])
    measured = [s for s in sample["by_stage"] if s["within_sop_pct"] is not None]
    assert len(with_class(root, "rp-stage-bar")) == len(measured)
    assert root.find(SVG + "title").text == "SLA report, 1 September – 30 November 2026"
