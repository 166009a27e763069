"""The public register's page (/public, issue 22) walked as anyone would, at a phone's and a desktop's size, in
headless Chromium on the real local stack: complaints sent by a citizen and accepted at intake (one answered,
two with a place, one whose text holds a phone number, an email and the reporter's name) and a confidential
one; a search by a word, filters by category and status, a case opened from the list and from the map's
marker (through its cluster and popup), its timeline and answer, its own address reloaded, the back button
returning to the search; the agencies' scorecards and the open data links. Nobody is exposed: the page never
shows the reporter's name, email or phone, only "[nama]", "[email]" and "[telepon]", and never the
confidential complaint. axe-core finds nothing in every state; the first load stays within the weight budget.

The machine has no internet: tiles come from TILE_URL, here a local port that refuses, so the markers show
over an empty map (and the page says the map's background could not load).
"""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from bench import pages
from local.launch import free_port, wait_for

from .a11y import SIZES, assert_accessible
from .helpers import ARTIFACTS, CHROMIUM, DISKOMINFO, FLAGS, OPERATOR, Citizen, decide_by_api, shot

pytestmark = pytest.mark.e2e

TILES = f"http://127.0.0.1:{free_port()}"  # nothing listens: every tile fails at once
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "TILE_URL": TILES + "/{z}/{x}/{y}.png",
    "PUBLIC_LIMIT_PER_MINUTE": "5000",  # both sizes' walks come from one address
}
DLH = "opd-dlh@aspirasi.kaltimprov.go.id"
NUMBER = re.compile(r"KT-[0-9A-Z]{4}-[0-9A-Z]{4}")
PHONE, EMAIL_WRITTEN = "0812-9876-5432", "aminah.pelapor@contoh.id"


@pytest.fixture(scope="module")
def seeded(local_stack):
    """Five complaints of one citizen ("Siti Aminah", Citizen's registered name), accepted at intake: an
    answered one at a place in Samarinda, a located one 1 km away whose words name the reporter and give a
    phone and an email, one in another category in Balikpapan, one in a sensitive subcategory (its point
    never published) and a confidential one."""
    citizen = Citizen(local_stack)
    answered = citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Sampah menumpuk di Kelurahan Sidodadi",
        description="Sampah belum diangkut sejak Senin di depan pasar, baunya sampai ke sekolah.",
        lat=-0.4948,
        long=117.1436,
    )
    exposed = citizen.submit(
        category="lingkungan",
        subcategory="pencemaran",
        title="Limbah cair dibuang ke sungai oleh Siti Aminah tetangga",
        description=f"Saya Siti Aminah, hubungi {PHONE} atau {EMAIL_WRITTEN}. Air sungai berbusa dan berbau.",
        lat=-0.5030,
        long=117.1500,
    )
    road = citizen.submit(
        category="infrastruktur",
        subcategory="jalan-rusak",
        title="Jalan provinsi berlubang dekat jembatan",
        description="Lubang besar di jalur menuju Tenggarong, sudah dua motor jatuh minggu ini.",
        lat=-1.2654,
        long=116.8312,
    )
    sensitive = citizen.submit(  # a sensitive subcategory: published without its place
        category="infrastruktur",
        subcategory="perumahan",
        title="Rumah tetangga nyaris roboh",
        description="Atap rumah panggung di RT 05 sudah jebol, keluarga lansia tinggal di dalamnya.",
        lat=-0.5100,
        long=117.1300,
    )
    secret = citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Rahasia: pembuangan liar di belakang kantor",
        description="Saya takut ketahuan, tolong dirahasiakan. Truk membuang sampah malam hari.",
        confidential=True,
        lat=-0.4990,
        long=117.1450,
    )
    for created in (answered, exposed, road, sensitive, secret):
        decide_by_api(local_stack, OPERATOR, created["id"], {"stage": "intake", "decision": "accept"})
    decide_by_api(
        local_stack, DISKOMINFO, answered["id"], {"stage": "classification", "kind": "aspiration", "opd": "DLH"}
    )
    decide_by_api(local_stack, DLH, answered["id"], {"stage": "opd_response", "response": "Sudah diangkut."})
    decide_by_api(local_stack, DISKOMINFO, answered["id"], {"stage": "review", "decision": "approve"})
    decide_by_api(
        local_stack,
        OPERATOR,
        answered["id"],
        {"stage": "reply", "reply": "Terima kasih Ibu Siti Aminah. Sampah sudah diangkut petugas DLH hari ini."},
    )

    def listed():
        body = requests.get(f"{local_stack.api}/public/complaints", params={"limit": "50"}, timeout=10).json()
        numbers = {item["tracking_number"]: item for item in body.get("items", [])}
        wanted = [answered, exposed, road, sensitive]
        if all(c["tracking_number"] in numbers for c in wanted) and numbers[answered["tracking_number"]].get("answer"):
            return numbers
        return None

    wait_for(listed, "the seeded complaints in the public register")
    return {
        "citizen": citizen,
        "answered": answered["tracking_number"],
        "exposed": exposed["tracking_number"],
        "road": road["tracking_number"],
        "sensitive": sensitive["tracking_number"],
        "secret": secret["tracking_number"],
        "secret_title": "pembuangan liar",
    }


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A new tab at a size that fails the test on any script error."""
    contexts, errors = [], []

    def make(size):
        context = browser.new_context(viewport=size, locale="id-ID")
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    assert not errors, errors
    for context in contexts:
        context.close()


def nobody_exposed(page, seeded, asked_for_secret: bool = False) -> None:
    """Nothing of the reporter, and nothing of the confidential complaint, anywhere in the page as it is
    (its number only where someone typed it into the address and is told it is not in the register)."""
    html = page.content()
    if asked_for_secret:
        html = html.replace(page.locator("#errors").inner_html(), "")
    text = page.locator("body").inner_text()
    for leak in ("Siti", "Aminah", PHONE, "9876", EMAIL_WRITTEN, seeded["citizen"].email, "+6281234567890"):
        assert leak not in html, leak
    assert seeded["secret"] not in html and seeded["secret_title"] not in text


def checked(page, state: str, seeded, asked_for_secret: bool = False) -> None:
    """A state as everyone meets it: axe-core finds nothing, nothing is wider than the screen, nobody exposed."""
    assert_accessible(page, state)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"wider than {width}px in {state!r}"
    nobody_exposed(page, seeded, asked_for_secret)


def card(page, tracking: str):
    return page.locator(f'#results a[data-tracking="{tracking}"]')


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_anyone_searches_filters_and_opens_cases(local_stack, seeded, open_page, size):
    page = open_page(SIZES[size])
    api = local_stack.api

    # Everything public, newest first: the confidential complaint is not there.
    page.goto(f"{api}/public")
    expect(page.locator("h1")).to_contain_text("Pengaduan publik")
    expect(page.locator("#to-report")).to_have_attribute("href", "./")
    for key in ("answered", "exposed", "road"):
        expect(card(page, seeded[key])).to_be_visible()
    expect(page.locator("#results-summary")).to_contain_text("pengaduan ditampilkan")
    # The scorecards: a table on a desktop, one card per agency with complaints on a phone; the DLH answered.
    if size == "phone":
        dlh = page.locator("#scores-cards li", has_text="Dinas Lingkungan Hidup")
        expect(page.locator("#scores-table")).to_be_hidden()
        expect(page.locator("#scores-idle")).to_contain_text("Dinas Perhubungan")
    else:
        dlh = page.locator("#scores-body tr", has_text="Dinas Lingkungan Hidup")
    expect(dlh).to_be_visible()
    expect(dlh.locator("td, dd").nth(1)).to_have_text("1")
    csv = re.compile(r"^public/open-data\.csv\?month=\d{4}-\d\d$")
    expect(page.locator("#data-csv")).to_have_attribute("href", csv)
    expect(page.locator("#data-json")).to_have_attribute("href", re.compile(r"^public/open-data\.json\?month="))
    expect(card(page, seeded["exposed"])).to_contain_text("[nama]")
    expect(card(page, seeded["answered"])).to_contain_text("dijawab dalam")
    expect(card(page, seeded["answered"])).to_contain_text("Dinas Lingkungan Hidup")
    expect(page.locator("#map .leaflet-marker-icon").first).to_be_visible()  # markers over a tileless map
    expect(page.locator("#map-note")).to_be_visible()
    checked(page, f"list and scorecards ({size})", seeded)
    shot(page, f"public-{size}-list.png")

    # A search by a word: its own address.
    page.fill("#q", "sidodadi")
    page.locator("#search-form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/public\?q=sidodadi$"))
    expect(card(page, seeded["answered"])).to_be_visible()
    expect(page.locator("#results a")).to_have_count(1)
    expect(page.locator("#live")).to_contain_text("1 pengaduan ditampilkan")
    shot(page, f"public-{size}-search.png")

    # Filters by category and status: another address; the word cleared.
    page.fill("#q", "")
    page.select_option("#category", "lingkungan")
    page.select_option("#status", "answered")
    page.click("#search-form button.secondary")
    expect(page).to_have_url(re.compile(r"/public\?category=lingkungan&status=answered$"))
    expect(card(page, seeded["answered"])).to_be_visible()
    expect(card(page, seeded["exposed"])).to_have_count(0)
    expect(card(page, seeded["road"])).to_have_count(0)
    search_address = page.url
    checked(page, f"filtered ({size})", seeded)
    shot(page, f"public-{size}-filtered.png")

    # A case from the list: its timeline (each stage on time or late) and the answer, names masked.
    card(page, seeded["answered"]).click()
    expect(page).to_have_url(re.compile(rf"/public\?case={seeded['answered']}$"))
    expect(page.locator("#case-title")).to_have_text("Sampah menumpuk di Kelurahan Sidodadi")
    expect(page.locator("#case-title")).to_be_focused()
    expect(page.locator("#case-status")).to_have_text("Dijawab")
    expect(page.locator("#case-answer")).to_contain_text("Terima kasih Ibu [nama]")
    expect(page.locator("#case-opd")).to_have_text("Dinas Lingkungan Hidup")
    timeline = page.locator("#case-timeline li")
    expect(timeline.first).to_contain_text("WITA")
    assert timeline.count() >= 5
    assert page.locator("#case-timeline .tag.done, #case-timeline .tag.late").count() >= 4
    expect(page.locator("#share-url")).to_have_value(re.compile(rf"/public\?case={seeded['answered']}$"))
    checked(page, f"case from the list ({size})", seeded)
    shot(page, f"public-{size}-case.png")

    # The back button returns to the filtered search, its filters restored.
    page.go_back()
    expect(page).to_have_url(search_address)
    expect(page.locator("#list-view")).to_be_visible()
    expect(page.locator("#category")).to_have_value("lingkungan")
    expect(page.locator("#status")).to_have_value("answered")
    expect(card(page, seeded["answered"])).to_be_visible()
    expect(card(page, seeded["road"])).to_have_count(0)

    # The case's own address, loaded afresh, shows the same case.
    page.goto(f"{api}/public?case={seeded['exposed']}")
    expect(page.locator("#case-number")).to_have_text(seeded["exposed"])
    expect(page.locator("#case-description")).to_contain_text("[telepon]")
    expect(page.locator("#case-description")).to_contain_text("[email]")
    expect(page.locator("#case-description")).to_contain_text("[nama]")
    expect(page.locator("#case-place")).to_contain_text("-0.503, 117.150")
    osm = page.locator("#case-place a")
    expect(osm).to_have_attribute("href", "https://www.openstreetmap.org/?mlat=-0.503&mlon=117.15#map=16/-0.503/117.15")
    page.reload()
    expect(page.locator("#case-number")).to_have_text(seeded["exposed"])
    checked(page, f"case by its address ({size})", seeded)

    # A case from the map: the two Samarinda complaints form a cluster; it opens to the markers, a marker's
    # popup links to the case.
    page.goto(f"{api}/public", wait_until="networkidle")  # the list, the scorecards and the map's files
    expect(page.locator("#map")).to_have_attribute("data-markers", "3")  # not the sensitive one's point
    cluster = page.locator("#map .marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_contain_text("2")
    page.locator("#map").scroll_into_view_if_needed()
    shot(page, f"public-{size}-map-cluster.png")
    cluster.click()
    marker = page.locator(f'#map .pin-public[title="{seeded["exposed"]}"]')
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator("#map .leaflet-popup-content")
    expect(popup).to_contain_text(seeded["exposed"])
    shot(page, f"public-{size}-map-popup.png")
    popup.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/public\?case={seeded['exposed']}$"))
    expect(page.locator("#case-number")).to_have_text(seeded["exposed"])
    page.go_back()
    expect(page).to_have_url(re.compile(r"/public$"))
    expect(card(page, seeded["road"])).to_be_visible()

    # A number that is not in the register: said so, GOV.UK style.
    page.goto(f"{api}/public?case={seeded['secret']}")
    summary = page.locator("#errors")
    expect(summary).to_contain_text("tidak ada di daftar publik")
    expect(page.locator("#case-view section")).to_be_hidden()
    checked(page, f"case not in the register ({size})", seeded, asked_for_secret=True)

    # English on asking.
    page.goto(f"{api}/public?lang=en")
    expect(page.locator("h1")).to_contain_text("Public register")
    expect(page.locator("#scores-title")).to_have_text("How the agencies perform")
    expect(card(page, seeded["road"])).to_contain_text("Sent")
    checked(page, f"English ({size})", seeded)
    shot(page, f"public-{size}-english.png")
    page.evaluate("localStorage.clear()")


def test_a_keyboard_alone_opens_a_case_from_the_list(local_stack, seeded, open_page):
    page = open_page(SIZES["phone"])
    page.goto(f"{local_stack.api}/public")
    expect(card(page, seeded["road"])).to_be_visible()
    card(page, seeded["sensitive"]).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#case-title")).to_be_focused()
    expect(page.locator("#case-number")).to_have_text(seeded["sensitive"])
    expect(page.locator("#case-place")).to_have_text("Tidak dicantumkan")


def test_the_first_load_is_within_the_page_budget(local_stack, seeded, browser):
    screens = pages.public_screens(local_stack.api, seeded["answered"])
    measured = pages.measure(browser, local_stack.api, lambda url: url.startswith(TILES), screens=screens)
    print("\n" + pages.table(measured))
    for name, weight in measured:
        assert weight.within_budget, weight.line(name)
        loaded = [url.split("?")[0] for _, url, _ in weight.files]
        assert any(url.endswith("/static/public.js") for url in loaded), name
        if name == "public register":  # the map, with its clusters, is part of the search's first load
            assert any(url.endswith("/leaflet.markercluster.js") for url in loaded), name
    (ARTIFACTS / "public-page-weights.txt").write_text(pages.table(measured) + "\n")
