"""How much a phone downloads on each screen's first load -- the citizen page's, the staff console's and the
public register's (issue 20's budget, DESIGN.md §4 "Pages people use": at most 100 KiB of JavaScript and
1.4 MiB in all, gzip; map tiles excluded).

Each screen is opened in a fresh browser context at 360x740 (nothing cached), signed in where the screen needs
it, and every response of Chromium's network log is added up, each body gzip-compressed as API Gateway would
send it (the local server sends them plain). tests/e2e/test_citizen_page.py asserts the budget with these
functions, tests/e2e/test_console_weight.py the console's, tests/e2e/test_public_page.py the register's;
`make bench` prints the table into BENCHMARKS.md.

    .venv/bin/python -m bench.pages
"""

from __future__ import annotations

import gzip
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

JS_BUDGET = 100 * 1024  # bytes, gzip
TOTAL_BUDGET = int(1.4 * 1024 * 1024)  # bytes, gzip
PHONE = {"width": 360, "height": 740}
PASSWORD = "Rahasia-123"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@dataclass
class Weight:
    """What a page's first load fetched, gzip-compressed as a server would send it."""

    scripts: int = 0
    total: int = 0
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (resource type, url, gzip bytes)

    def line(self, name: str) -> str:
        return f"{name}: JavaScript {self.scripts / 1024:.1f} KiB, all {self.total / 1024:.1f} KiB (gzip)"

    @property
    def within_budget(self) -> bool:
        return self.scripts <= JS_BUDGET and self.total <= TOTAL_BUDGET


def first_load_weight(page, url: str, is_tile: Callable[[str], bool] = lambda url: False) -> Weight:
    """Load ``url`` in a fresh ``page`` and add up every response of Chromium's network log, each body
    gzip-compressed. Map tiles (``is_tile``) are left out: they depend on the tile server, not on us."""
    weight = Weight()
    responses: list = []
    page.on("response", lambda response: responses.append(response))  # a bound builtin cannot be a handler
    page.goto(url, wait_until="networkidle")
    for response in responses:
        if is_tile(response.url) or response.status in (204, 304) or 300 <= response.status < 400:
            continue
        try:
            body = response.body()
        except Exception:  # a response without a body to read (a redirect, an aborted request)
            continue
        size = len(gzip.compress(body, 9))
        kind = response.request.resource_type
        weight.files.append((kind, response.url, size))
        weight.total += size
        if kind == "script" or response.url.split("?")[0].endswith(".js"):
            weight.scripts += size
    return weight


def citizen_screens(api: str) -> list[tuple[str, str, str | None, str | None]]:
    """The citizen page's screens as (name, address, id token, email): a new account with one complaint
    opens the signed-in ones."""
    email = f"ukur-{uuid.uuid4().hex[:6]}@example.id"
    requests.post(f"{api}/auth/register", json={"email": email, "password": PASSWORD, "name": "Ukur"}, timeout=10)
    token = requests.post(f"{api}/auth/login", json={"email": email, "password": PASSWORD}, timeout=10).json()[
        "id_token"
    ]
    created = requests.post(
        f"{api}/complaints",
        json={"category": "lingkungan", "subcategory": "sampah", "title": "Ukur", "description": "Halaman diukur."},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    ).json()
    return [
        ("logged out", "/", None, None),
        ("new report (map)", "/?view=new", token, email),
        ("my reports", "/?view=reports", token, email),
        ("one case", f"/?case={created['id']}", token, email),
        ("account", "/?view=account", token, email),
    ]


def console_screens(api: str, email: str, password: str) -> list[tuple[str, str, str | None, str | None]]:
    """The staff console's screens as (name, address, id token, email), signed in as ``email`` (an operator: the
    queue and the case it opens first; an action page's link to the console is /staff?case=<id>)."""
    token = requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=10).json()[
        "id_token"
    ]
    queue = requests.get(
        f"{api}/staff/work-items", headers={"Authorization": f"Bearer {token}"}, params={"limit": "1"}, timeout=10
    ).json()
    screens = [("console: sign-in", "/staff", None, None), ("console: queue", "/staff", token, email)]
    if queue.get("items"):
        screens.append(("console: one case", f"/staff?case={queue['items'][0]['complaint_id']}", token, email))
    return screens


def public_screens(api: str, tracking_number: str | None = None) -> list[tuple[str, str, str | None, str | None]]:
    """The public register's screens (no login): the search with its map and scorecards, and one case when
    ``tracking_number`` names a complaint in the register."""
    screens: list[tuple[str, str, str | None, str | None]] = [("public register", "/public", None, None)]
    if tracking_number:
        screens.append(("public: one case", f"/public?case={tracking_number}", None, None))
    return screens


def measure(
    browser, api: str, is_tile: Callable[[str], bool], check: Callable | None = None, screens: list | None = None
) -> list[tuple]:
    """Each screen's first load in a fresh context at phone size: [(name, Weight)]. ``check(name, page,
    weight)`` may look at the loaded page (the test asserts the map was part of the load). ``screens``: the
    citizen page's unless given (console_screens)."""
    measured = []
    for name, address, token, email in citizen_screens(api) if screens is None else screens:
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        if token:  # the session a login leaves (sessionStorage), before the page's first request
            context.add_init_script(
                f"sessionStorage.setItem('id_token', {token!r}); sessionStorage.setItem('email', {email!r});"
            )
        page = context.new_page()
        weight = first_load_weight(page, api + address, is_tile)
        if check is not None:
            check(name, page, weight)
        measured.append((name, weight))
        context.close()
    return measured


def table(measured: list[tuple]) -> str:
    rows = [
        f"| {name} | {w.scripts / 1024:.1f} | {w.total / 1024:.1f} | {len(w.files)} | "
        f"{'yes' if w.within_budget else '**no**'} |"
        for name, w in measured
    ]
    return "\n".join(
        [
            "| screen (first load, 360x740) | JavaScript KiB (gzip) | all KiB (gzip) | files | within budget |",
            "|---|---:|---:|---:|---|",
            *rows,
        ]
    )


def on_own_stack() -> list[tuple]:
    """Start a local stack whose map tiles cannot load (no internet is needed), and measure its screens."""
    from playwright.sync_api import sync_playwright

    from local.launch import LocalStack, free_port

    tiles = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    stack = LocalStack({"TILE_URL": tiles + "/{z}/{x}/{y}.png"})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
            try:
                citizen = measure(browser, stack.api, lambda url: url.startswith(tiles))  # leaves a case at intake
                operator, password = next(
                    line.split()[:2] for line in stack.banner if line.strip().startswith("operator@")
                )
                console = console_screens(stack.api, operator, password)

                def tile(url: str) -> bool:
                    return url.startswith(tiles)

                register = public_screens(stack.api)
                return (
                    citizen
                    + measure(browser, stack.api, tile, screens=console)
                    + measure(browser, stack.api, tile, screens=register)
                )
            finally:
                browser.close()
    finally:
        stack.stop()


if __name__ == "__main__":
    print(table(on_own_stack()))
