"""End to end in a real headless Chromium (Debian's package) driven by Playwright, against `casebook serve`.

Each page is scanned with axe-core (vendored) for serious or critical accessibility violations, and a
screenshot of each is saved under the data directory for review.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.request import urlopen

import pytest
from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = (ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_archive) -> Iterator[str]:  # noqa: ANN001
    """The real production server (waitress via `casebook serve`) over the demo archive."""
    port = free_port()
    exe = Path(sys.executable).parent / "casebook"
    process = subprocess.Popen(
        [str(exe), "--data-dir", str(demo_archive.data_dir), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urlopen(base + "/sources", timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"casebook serve did not start: {process.stdout.read()!r}") from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


class Console(list):
    """Script errors and CSP reports a page printed."""


@pytest.fixture()
def console() -> Console:
    return Console()


def open_context(browser, console: Console, bypass_csp: bool = False):  # noqa: ANN001, ANN201
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], bypass_csp=bypass_csp)
    page = context.new_page()
    page.on("pageerror", lambda exc: console.append(str(exc)))
    page.on("console", lambda msg: console.append(msg.text) if msg.type == "error" else None)
    return context, page


@pytest.fixture()
def page(browser, console: Console):  # noqa: ANN001, ANN201
    context, page = open_context(browser, console)
    yield page
    context.close()


@pytest.fixture()
def axe_page(browser, console: Console):  # noqa: ANN001, ANN201
    """The scanner injects axe-core inline, which the app's CSP rightly refuses: this context bypasses it."""
    context, page = open_context(browser, console, bypass_csp=True)
    yield page
    context.close()


def screenshot(page, demo_archive, name: str) -> None:  # noqa: ANN001
    folder = demo_archive.data_dir / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def axe_violations(page) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_search_apply_and_remove_a_facet(page, console, server, demo_archive) -> None:  # noqa: ANN001
    page.goto(server + "/")
    page.get_by_label("Search the archive").fill("sanctions")
    page.get_by_role("button", name="Search").click()
    heading = page.get_by_role("heading", level=1)
    assert "for “sanctions”" in heading.inner_text()
    total = int(heading.inner_text().split()[0])
    screenshot(page, demo_archive, "search")
    sources = page.get_by_role("region", name="Source")
    sources.get_by_role("link", name=re.compile("^Benefits and Work")).click()
    narrowed = int(page.get_by_role("heading", level=1).inner_text().split()[0])
    assert 0 < narrowed < total
    assert page.get_by_role("list", name="Active filters").inner_text().strip().startswith("source")
    page.get_by_role("region", name="Source").get_by_role(
        "link", name=re.compile("^Benefits and Work")
    ).click()
    assert int(page.get_by_role("heading", level=1).inner_text().split()[0]) == total
    assert console == []  # no script errors, no CSP violations on the app's own pages


def test_exclude_a_facet_value_then_remove_the_chip(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions")
    total = int(page.get_by_role("heading", level=1).inner_text().split()[0])
    page.get_by_role("link", name="Exclude Benefits and Work").first.click()
    assert int(page.get_by_role("heading", level=1).inner_text().split()[0]) == total - 1
    chips = page.get_by_role("list", name="Active filters")
    assert "not source: Benefits and Work" in chips.inner_text()
    chips.get_by_role("link", name=re.compile("^Remove filter")).click()
    assert int(page.get_by_role("heading", level=1).inner_text().split()[0]) == total
    assert console == []


def test_open_a_document_copy_a_citation_and_the_archived_copy(page, console, server, demo_archive) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=boycott")
    page.get_by_role("link", name="Boycott call after DWP wrongly claims DPOs").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Boycott call")
    screenshot(page, demo_archive, "document")
    page.get_by_role("button", name="Copy Harvard").click()
    sync_api.expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)  # copy is async
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Pring, J. (2017) ‘Boycott call") and "/archived" in copied
    assert console == []
    page.get_by_role("link", name="as fetched, from the archive").click()
    assert "Disabled activists have called" in page.content()
    screenshot(page, demo_archive, "archived")
    # The original's own stylesheets and scripts were refused: the sandbox loads nothing from outside.
    assert console, "the archived page tried to load nothing?"
    assert all("Content Security Policy" in m or "sandboxed" in m for m in console), console


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=sanctions",
        "/search?q=%22unclosed",
        "/help",
        "/sources",
        "/entity/org:dwp",
        "/timeline?q=sanctions&q=scheme:ESA&by=year",
        "/quotes?q=sanctions",
        "/doc/{first}",
        "/login",
        "/no-such-page",
    ],
)
def test_pages_have_no_serious_accessibility_violations(axe_page, server, demo_archive, path: str) -> None:  # noqa: ANN001
    if "{first}" in path:  # the document with the most quotes and mentions marked in its text
        first = json.loads(urlopen(server + "/api/quotes?q=*").read())["results"][0]["doc_id"]
        path = path.format(first=first)
    axe_page.goto(server + path)
    assert axe_violations(axe_page) == []
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    screenshot(axe_page, demo_archive, f"page-{name}")


def test_build_and_export_a_named_timeline(page, console, server, demo_archive, axe_page) -> None:  # noqa: ANN001
    """Pin two articles from their pages, annotate, reorder, then export CSV and TimelineJS."""
    page.goto(server + "/search?q=boycott")
    page.get_by_role("link", name="Boycott call after DWP wrongly claims DPOs").click()
    page.get_by_label("New timeline named").fill("DPO boycott")
    page.get_by_label("Note (optional)").fill("The call to boycott")
    page.get_by_role("button", name="Pin this article").click()
    assert page.get_by_role("heading", level=1).inner_text() == "DPO boycott"
    page.goto(server + "/search?q=sanctions&sort=oldest")
    page.locator("ol.hits h2 a").first.click()
    second_title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Timeline", exact=True).select_option(label="DPO boycott")
    page.get_by_role("button", name="Pin this article").click()
    items = page.locator("ol.named-timeline > li")
    sync_api.expect(items).to_have_count(2)
    assert second_title in items.nth(1).inner_text()
    page.get_by_role("button", name=re.compile(f"^Move up: “{re.escape(second_title[:20])}")).click()
    assert second_title in page.locator("ol.named-timeline > li").first.inner_text()
    page.locator("ol.named-timeline > li").first.get_by_role("textbox").fill("Earlier context")
    page.locator("ol.named-timeline > li").first.get_by_role("button", name="Save note").click()
    screenshot(page, demo_archive, "named-timeline")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()  # BOM: spreadsheets
    assert exported[0].startswith("position,published,title")
    assert second_title in exported[1] and "Earlier context" in exported[1]
    assert "Boycott call" in exported[2] and "The call to boycott" in exported[2]
    with page.expect_download() as download:
        page.get_by_role("link", name="TimelineJS").click()
    events = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))["events"]
    assert [e["text"]["headline"] for e in events][1].startswith("Boycott call")
    assert console == []
    axe_page.goto(page.url)
    assert axe_violations(axe_page) == []
    axe_page.goto(server + "/timelines")
    assert axe_violations(axe_page) == []
    screenshot(axe_page, demo_archive, "page-timelines")


def test_search_quotes_and_copy_one_with_its_source(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/")
    page.get_by_role("link", name="Quotes").click()
    page.get_by_label("Speaker").fill("Liz Sayce")
    page.get_by_role("button", name="Search quotes").click()
    count = page.get_by_text(re.compile(r"^\d+ quotes? ·")).inner_text()
    assert int(count.split()[0]) >= 1
    page.get_by_role("button", name="Copy Quote with its source").first.click()
    sync_api.expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied.startswith("“") and "— Liz Sayce" in copied and "https://blacktrianglecampaign.org/" in copied
    )
    assert console == []


def test_every_control_is_reachable_by_keyboard(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.name || '')")
        )
    assert "INPUT:q" in reached and "BUTTON:" in reached and any(r.startswith("A:") for r in reached)
