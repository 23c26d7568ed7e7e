"""End to end in a real headless Chromium (Debian's package) driven by Playwright, against `casebook serve`
over the demo exactly as `casebook demo` builds it (the real pages and the invented sample data).

Each page is scanned with axe-core (vendored) for serious or critical accessibility violations, at desktop
width and at a phone's (390 px, with WCAG 2.2's 24 px target-size rule switched on), and a screenshot of
each is saved under the data directory for review.
"""

from __future__ import annotations

import json
import os
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

from webui.citations import quote_anchor

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
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PUBLIC = "https://archive.example.org"

if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(data_dir: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The real production server (waitress via `casebook serve`) over an archive."""
    port = free_port()
    exe = Path(sys.executable).parent / "casebook"
    process = subprocess.Popen(
        [str(exe), "--data-dir", str(data_dir), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(base + "/sources", timeout=2).read()
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(f"casebook serve did not start: {process.stdout.read()!r}") from None
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server(full_demo) -> Iterator[str]:  # noqa: ANN001
    process, base = serve(full_demo.data_dir)
    yield base
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def public_server(full_demo) -> Iterator[str]:  # noqa: ANN001
    """The same archive served with its public address set, as it would be once published."""
    process, base = serve(full_demo.data_dir, {"CASEBOOK_PUBLIC_URL": PUBLIC})
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


def answered(message) -> bool:  # noqa: ANN001
    """Chromium logs a page answered with a 4xx status (a form with errors is a 400) as an error: not one."""
    return message.text.startswith("Failed to load resource: the server responded with a status of 4")


@pytest.fixture()
def console() -> Console:
    return Console()


def open_context(browser, console: Console, bypass_csp: bool = False, viewport=DESKTOP):  # noqa: ANN001, ANN201
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], bypass_csp=bypass_csp, viewport=viewport
    )
    page = context.new_page()
    page.on("pageerror", lambda exc: console.append(str(exc)))
    page.on(
        "console", lambda msg: console.append(msg.text) if msg.type == "error" and not answered(msg) else None
    )
    return context, page


@pytest.fixture()
def page(browser, console: Console):  # noqa: ANN001, ANN201
    context, page = open_context(browser, console)
    yield page
    context.close()


@pytest.fixture()
def phone(browser, console: Console):  # noqa: ANN001, ANN201
    context, page = open_context(browser, console, viewport=PHONE)
    yield page
    context.close()


@pytest.fixture()
def axe_page(browser, console: Console):  # noqa: ANN001, ANN201
    """The scanner injects axe-core inline, which the app's CSP rightly refuses: this context bypasses it."""
    context, page = open_context(browser, console, bypass_csp=True)
    yield page
    context.close()


@pytest.fixture()
def axe_phone(browser, console: Console):  # noqa: ANN001, ANN201
    context, page = open_context(browser, console, bypass_csp=True, viewport=PHONE)
    yield page
    context.close()


def screenshot(page, settings, name: str) -> None:  # noqa: ANN001
    folder = settings.data_dir / "screenshots"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def axe_violations(page, target_size: bool = False) -> list[str]:  # noqa: ANN001
    page.add_script_tag(content=AXE)
    rules = "{'target-size': {enabled: true}}" if target_size else "{}"
    result = page.evaluate(
        f"async () => await axe.run(document, {{resultTypes: ['violations'], rules: {rules}}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def count(page) -> int:  # noqa: ANN001
    """The number in the page's h1 ("67 documents for ...")."""
    return int(page.get_by_role("heading", level=1).inner_text().split()[0])


def api(base: str, path: str) -> dict:
    return json.loads(urlopen(base + path).read())


def sample_doc(base: str) -> str:
    return api(base, "/api/search?q=*&source=sample-disability-affairs-weekly&sort=oldest")["results"][0][
        "id"
    ]


# -- searching -------------------------------------------------------------------------------------


def test_search_apply_and_remove_a_facet(page, console, server, full_demo) -> None:  # noqa: ANN001
    page.goto(server + "/")
    assert page.locator(".sample-notice").is_visible()  # this archive holds sample data, and says so
    page.get_by_label("Search the archive").fill("sanctions")
    page.get_by_role("button", name="Search", exact=True).click()
    assert "for “sanctions”" in page.get_by_role("heading", level=1).inner_text()
    total = count(page)
    screenshot(page, full_demo, "search")
    first = page.get_by_role("region", name="Source").locator("a.value").first
    expected = int(re.search(r"\((\d+)\)", first.inner_text()).group(1))
    first.click()
    assert count(page) == expected < total
    assert page.get_by_role("list", name="Active filters").inner_text().strip().startswith("source")
    page.get_by_role("region", name="Source").locator("a[aria-current]").click()
    assert count(page) == total
    assert console == []  # no script errors, no CSP violations on the app's own pages


def test_exclude_a_facet_value_then_remove_the_chip(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions")
    total = count(page)
    value = page.get_by_role("region", name="Source").locator("li").first
    label = value.locator("a.value").inner_text()
    name, number = re.match(r"(.+) \((\d+)\)", label).groups()
    value.get_by_role("link", name=f"Exclude {name}").click()
    assert count(page) == total - int(number)
    chips = page.get_by_role("list", name="Active filters")
    assert f"not source: {name}" in chips.inner_text()
    chips.get_by_role("link", name=re.compile("^Remove filter")).click()
    assert count(page) == total
    assert console == []


def test_a_date_range_says_how_many_undated_articles_it_leaves_out(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=*")
    page.get_by_label("From", exact=True).fill("2016")
    page.get_by_role("button", name="Search", exact=True).click()
    note = page.locator(".undated-note")
    left_out = int(note.inner_text().split()[0])
    assert left_out > 0 and "are not shown" in note.inner_text()
    note.get_by_role("link").click()
    assert count(page) == left_out
    assert all(meta.endswith("· undated") for meta in page.locator("ol.hits .meta").all_inner_texts())
    page.goto(server + "/search?q=*")
    page.get_by_role("region", name="Year").get_by_role("link", name=re.compile(r"^undated \(")).click()
    assert count(page) == left_out  # the year facet's own "undated" value lists the same articles
    assert console == []


def test_a_search_that_finds_nothing_offers_what_to_try(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions+zzyzx")
    assert page.get_by_role("navigation", name="Filter these results").count() == 0
    page.get_by_role("link", name="any of the words: sanctions OR zzyzx").click()
    assert count(page) > 0
    snippets = page.locator("ol.hits .snippet").all_inner_texts()
    assert snippets and all(s.endswith("…") or len(s) < 240 for s in snippets)  # cut between words, said so
    examples = page.locator("#q-help code").all_inner_texts()
    scheme = next(e for e in examples if e.startswith("scheme:"))
    page.goto(server + f"/search?q={scheme}")
    assert count(page) > 0  # the example in the search box finds something in this archive


# -- errors in the words of the form ----------------------------------------------------------------


def test_a_bad_date_is_shown_beside_its_field_and_the_fix_works(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=PIP")
    page.get_by_label("From", exact=True).fill("2020-13")
    page.get_by_label("To", exact=True).fill("someday")
    page.get_by_label("Sort", exact=True).select_option("newest")
    page.get_by_role("button", name="Search", exact=True).click()
    summary = page.get_by_role("alert")
    text = summary.inner_text()
    assert (
        "--since" not in page.content()
        and "From: '2020-13' is not a date" in text
        and "To: 'someday'" in text
    )
    assert page.get_by_label("From", exact=True).get_attribute("aria-invalid") == "true"
    assert (
        page.get_by_label("Sort", exact=True).input_value() == "newest"
    )  # the sort menu is there, as chosen
    summary.get_by_role("link", name="From").click()
    assert page.evaluate("document.activeElement.id") == "since"  # the summary leads to the field
    page.get_by_role("link", name="2020", exact=True).click()
    assert page.get_by_role("alert").inner_text().count("is not a date") == 1  # From fixed, To still wrong
    page.get_by_label("To", exact=True).fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    assert count(page) > 0 and "from 2020" in page.get_by_role("list", name="Active filters").inner_text()
    assert console == []


def test_a_faulty_timeline_series_is_marked_on_the_form(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/timeline")
    page.get_by_label("Series 1").fill("scheme:pip")
    page.get_by_label("Series 2").fill('"unclosed')
    page.get_by_role("button", name="Show timeline").click()
    assert (
        "Series 2: the quote opened at character 1 is never closed" in page.get_by_role("alert").inner_text()
    )
    assert page.get_by_label("Series 2").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Series 1").input_value() == "scheme:pip"
    page.get_by_role("alert").get_by_role("link", name='"unclosed"').click()
    sync_api.expect(page.locator("figure svg.chart-wide")).to_be_visible()


# -- documents, citations, archived copies ----------------------------------------------------------


def test_open_a_document_copy_a_citation_and_the_archived_copy(page, console, server, full_demo) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=boycott")
    page.get_by_role("link", name="Boycott call after DWP wrongly claims DPOs").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Boycott call")
    assert "readers elsewhere may not reach" in page.locator(".cite").inner_text()  # no public address set
    screenshot(page, full_demo, "document")
    page.get_by_role("button", name="Copy Harvard").click()
    sync_api.expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)  # copy is async
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Pring, J. (2017) ‘Boycott call") and "/archived" in copied
    assert console == []
    page.get_by_role("link", name="as fetched, from the archive").click()
    banner = page.locator(".archived-banner")
    assert "Archived copy of “Boycott call" in banner.inner_text() and "11 May 2017" in banner.inner_text()
    assert "blacktrianglecampaign.org" in banner.inner_text()
    frame = page.locator("iframe.archived-frame")
    assert frame.get_attribute("sandbox") == ""
    sync_api.expect(page.frame_locator("iframe.archived-frame").locator("body")).to_contain_text(
        "Disabled activists have called"
    )
    screenshot(page, full_demo, "archived")
    # The original's own stylesheets and scripts were refused: the sandbox loads nothing from outside.
    assert console, "the archived page tried to load nothing?"
    assert all("Content Security Policy" in m or "sandboxed" in m for m in console), console
    banner.get_by_role("link", name="Back to the article in Casebook").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Boycott call")


def test_a_list_in_an_article_is_shown_an_item_a_line(phone, server) -> None:  # noqa: ANN001
    """A list is one paragraph of the text, an item a line ('- Work Coaches will ...'): shown as HTML
    flows, its items ran together into one block of text, and a reader could not tell where one ended.
    Each line of a paragraph is a line on the page (here on a phone), and the list stays one ¶."""
    found = api(server, "/api/search?q=%22policemen+work+coaches%22")["results"]
    phone.goto(f"{server}/doc/{found[0]['id']}")
    shown = phone.locator("div.body > p").filter(has_text="Work Coaches will be generalists").inner_text()
    items = [line.strip() for line in shown.split("\n") if line.strip()]
    assert len(items) == 4, shown  # ¶n and the first item on one line, each other item on its own
    assert items[0].split(" ", 1)[1].startswith("- Work Coaches will increasingly")
    assert items[1].startswith("- Work Coaches will be generalists")
    assert all(item.startswith("- ") for item in items[2:])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def test_with_a_public_address_citations_and_exports_link_there(page, console, public_server) -> None:  # noqa: ANN001
    page.goto(public_server + "/search?q=boycott")
    page.get_by_role("link", name="Boycott call after DWP wrongly claims DPOs").click()
    assert "readers elsewhere may not reach" not in page.locator(".cite").inner_text()
    page.get_by_role("button", name="Copy Markdown").click()
    sync_api.expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"([archived copy](<{PUBLIC}/doc/" in copied and "127.0.0.1" not in copied
    page.goto(public_server + "/search?q=boycott")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    exported = Path(download.value.path()).read_bytes()
    assert exported.startswith(b"\xef\xbb\xbfid,title,authors")  # the UTF-8 mark spreadsheets need
    assert f"{PUBLIC}/doc/".encode() in exported and b"127.0.0.1" not in exported
    with page.expect_download() as download:
        page.get_by_role("link", name="RIS (Zotero)").click()
    assert "AU  - Pring, John" in Path(download.value.path()).read_text(encoding="utf-8")
    assert console == []


def test_an_invented_article_says_so_everywhere_it_is_shown(page, server) -> None:  # noqa: ANN001
    page.goto(server + f"/doc/{sample_doc(server)}")
    assert page.locator(".sample-article").inner_text().startswith("Sample data: this article is invented.")
    assert "(sample data)" in page.locator("#cite-1").input_value()
    page.get_by_role("link", name="Which sources are invented").click()
    assert "are invented outlets" in page.locator("main").inner_text()


# -- quotes ----------------------------------------------------------------------------------------


def test_search_quotes_and_copy_one_with_its_source(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/")
    page.get_by_role("link", name="Quotes", exact=True).click()
    page.get_by_label("Speaker").fill("Liz Sayce")
    page.get_by_role("button", name="Search quotes").first.click()
    counted = page.get_by_text(re.compile(r"^\d+ quotes? ·")).inner_text()
    assert int(counted.split()[0]) >= 1
    page.get_by_role("button", name="Copy Quote with its source").first.click()
    sync_api.expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied.startswith("“")
        and "— Liz Sayce, in “" in copied
        and "https://blacktrianglecampaign.org/" in copied
    )
    assert "/archived;" in copied and re.search(
        r"the quote in context: http://127\.0\.0\.1:\d+/doc/\w+#p\d+:~:text=[^\s)]+\)$", copied
    )
    assert console == []


def test_every_quote_is_reachable_and_each_links_to_its_paragraph(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/quotes?speaker=Ignatius+Drumbleforth")
    total = int(page.locator("#results").inner_text().split()[0])
    assert total > 20
    seen = page.locator("ol.hits > li").count()
    while page.get_by_role("link", name="Next").count():
        before = page.url
        page.get_by_role("link", name="Next").click()
        page.wait_for_url(lambda url, before=before: url != before)  # the next page, loaded, not this one
        seen += page.locator("ol.hits > li").count()
    assert seen == total
    credits = " ".join(page.locator("ol.hits footer").all_inner_texts())
    page.goto(server + "/quotes?speaker=Ignatius+Drumbleforth&sort=newest")
    credits += " ".join(page.locator("ol.hits footer").all_inner_texts())
    page.goto(server + "/quotes?speaker=Ignatius+Drumbleforth&sort=oldest")
    credits += " ".join(page.locator("ol.hits footer").all_inner_texts())
    invented = "(sample data: an invented person)"  # the demo's officials are invented, and say so
    minister, chair = (
        "Minister of State for Social Security and Disability",
        "Chair of the Work and Pensions Committee",
    )
    assert f"Ignatius Drumbleforth, {minister} {invented}" in credits
    assert f"Ignatius Drumbleforth, {chair} {invented}" in credits  # the same man, other years
    quote = page.locator("ol.hits blockquote p").first.inner_text()
    page.locator("ol.hits footer").first.get_by_role("link", name=re.compile("^the quote in context")).click()
    anchor = page.url.rsplit("#", 1)[1].split(":~:", 1)[0]  # the paragraph; the quote's words follow
    assert quote.split("—")[0].strip()[:40] in page.locator(f"#{anchor}").inner_text()
    assert console == []


def test_a_quote_link_opens_at_the_quote_where_its_paragraph_number_no_longer_holds_it(phone, server) -> None:  # noqa: ANN001
    hits = json.loads(urlopen(server + "/api/quotes?speaker=Ignatius+Drumbleforth").read())["results"]
    hit = max(hits, key=lambda h: h["paragraph"] or 0)  # a quote far down its article
    assert hit["paragraph"] >= 4
    # a later extraction that breaks the page into paragraphs differently renumbers them
    renumbered = re.sub(r"#p\d+", "#p1", hit["paragraph_url"])
    phone.goto(renumbered)
    sync_api.expect(phone.locator(f"#p{hit['paragraph']}")).to_be_in_viewport()
    sync_api.expect(phone.locator("#p1")).not_to_be_in_viewport()
    # a quote of two words is found by its link too
    (short,) = json.loads(urlopen(server + "/api/quotes?q=%22not+happy%22&speaker=Liz+Sayce").read())[
        "results"
    ]
    assert len(short["text"].split()) == 2 and short["paragraph"] >= 4
    phone.goto("about:blank")
    phone.goto(re.sub(r"#p\d+", "#p1", short["paragraph_url"]))
    sync_api.expect(phone.locator(f"#p{short['paragraph']}")).to_be_in_viewport()
    phone.goto("about:blank")
    phone.goto(renumbered.split(":~:", 1)[0])  # the paragraph alone, as links were before, goes astray
    sync_api.expect(phone.locator("#p1")).to_be_in_viewport()


def test_a_short_quotes_link_finds_it_where_it_was_said_not_where_its_words_stand_first(phone) -> None:  # noqa: ANN001
    """ "not happy" said in paragraph 30 of an article that has the same words in paragraph 2: the words
    before the quote in its link (``text=prefix-,...``) take the reader to paragraph 30."""
    filler = "The committee heard evidence on the assessment contract from claimants and advisers. " * 12
    paragraphs = [f"<p id='p{n}'>¶{n} {filler}</p>" for n in range(1, 41)]
    paragraphs[1] = f"<p id='p2'>¶2 Claimants were not happy with the forms. {filler}</p>"
    paragraphs[29] = "<p id='p30'>¶30 Liz Sayce said she was “<mark>not happy</mark>” with the reply.</p>"
    phone.route("http://casebook.test/doc", lambda route: route.fulfill(
        body="<!doctype html><html><body>" + "".join(paragraphs) + "</body></html>", content_type="text/html"
    ))  # fmt: skip
    with_context = quote_anchor(30, "not happy", "Liz Sayce said she was “")
    phone.goto(f"http://casebook.test/doc#{with_context}")
    sync_api.expect(phone.locator("#p30")).to_be_in_viewport()
    phone.goto("about:blank")
    phone.goto(
        f"http://casebook.test/doc#{quote_anchor(30, 'not happy')}"
    )  # the words alone: the first place
    sync_api.expect(phone.locator("#p2")).to_be_in_viewport()


def test_quotes_are_filtered_by_sources_chosen_by_name(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/quotes")
    page.locator("details.source-choice summary").click()
    page.get_by_label("Black Triangle Campaign").check()
    page.get_by_label("Ipswich Unemployed Action").check()
    page.locator("details.source-choice").get_by_role("button", name="Search quotes").click()
    footers = page.locator("ol.hits footer").all_inner_texts()
    chosen = ("Black Triangle Campaign", "Ipswich Unemployed Action")
    assert footers and all(any(f", {outlet}, " in text for outlet in chosen) for text in footers)
    assert all(any(f", {outlet}, " in text for text in footers) for outlet in chosen)
    assert "2 chosen" in page.locator("details.source-choice summary").inner_text()


# -- timelines -------------------------------------------------------------------------------------


def test_the_timeline_link_keeps_the_search_filters(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=scheme:pip&since=2015&source=sample-disability-affairs-weekly")
    matched = count(page)
    page.locator(".exports").get_by_role("link", name="Timeline").click()
    assert page.get_by_label("From", exact=True).input_value() == "2015"
    assert (
        "source: Disability Affairs Weekly (sample data)"
        in page.get_by_role("list", name="Filters on every series").inner_text()
    )
    shown = sum(int(c) for c in page.locator("table.chart-data tbody td").all_inner_texts())
    assert shown == matched


def test_build_and_export_a_named_timeline(page, console, server, full_demo, axe_page) -> None:  # noqa: ANN001
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
    page.locator("ol.named-timeline > li").first.get_by_role("button", name="Save notes").click()
    screenshot(page, full_demo, "named-timeline")
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
    screenshot(axe_page, full_demo, "page-timelines")


def test_two_notes_edited_and_one_saved_keeps_both(page, console, server) -> None:  # noqa: ANN001
    page.goto(server + "/timelines")
    page.get_by_label("Name").fill("Two edits")
    page.get_by_role("button", name="Create timeline").click()
    timeline_url = page.url
    for doc in api(server, "/api/search?q=PIP&limit=3")["results"][:3]:
        page.goto(server + f"/doc/{doc['id']}")
        page.get_by_label("Timeline", exact=True).select_option(label="Two edits")
        page.get_by_role("button", name="Pin this article").click()
    page.goto(timeline_url)
    notes = page.locator("ol.named-timeline textarea")
    notes.nth(0).fill("first edit")
    assert "Not saved yet" in page.locator("ol.named-timeline > li").nth(0).inner_text()  # said while unsaved
    notes.nth(1).fill("second edit")
    page.locator("ol.named-timeline > li").nth(2).get_by_role("button", name=re.compile("^Move up")).click()
    saved = [t.input_value() for t in page.locator("ol.named-timeline textarea").all()]
    assert "first edit" in saved and "second edit" in saved  # neither edit was lost
    assert console == []


# -- charts ----------------------------------------------------------------------------------------


CHART_TEXT = """(svg) => Array.from(svg.querySelectorAll('text')).map(t => {
  const r = t.getBoundingClientRect(), s = svg.getBoundingClientRect();
  return {text: t.textContent, height: r.height, inside: r.left >= s.left - 0.5 && r.right <= s.right + 0.5,
          size: parseFloat(getComputedStyle(t).fontSize) * (s.width / svg.viewBox.baseVal.width)};
})"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_charts_are_legible_at_the_size_they_are_shown(browser, console, server, viewport) -> None:  # noqa: ANN001
    context, page = open_context(browser, console, viewport=viewport)
    try:
        for path in (
            "/search?q=*",
            "/timeline?q=scheme:pip&q=scheme:universal-credit&by=year",
            "/entity/scheme:pip",
        ):
            page.goto(server + path)
            charts = [c for c in page.locator("svg.chart").all() if c.is_visible()]
            assert charts, path
            for chart in charts:
                labels = chart.evaluate(CHART_TEXT)
                assert all(label["size"] >= 11 for label in labels), (path, labels)  # px as rendered
                assert all(label["inside"] for label in labels), (path, labels)  # none clipped ("202")
                ticks = chart.locator("text[text-anchor=end]").all_text_contents()
                assert len(ticks) >= 3 and ticks[0] == "0", (path, ticks)  # a y axis, not only its maximum
                years = chart.locator("text[text-anchor=middle]").all_text_contents()
                assert years[-1].isdigit() and len(years[-1]) == 4, (path, years)
        page.goto(server + "/timeline?q=scheme:pip&q=scheme:universal-credit&by=year")
        for n in (0, 1):
            drawn = page.locator(f"svg.chart:visible polyline.series-{n}").first.get_attribute(
                "stroke-dasharray"
            )
            key = page.locator(f"ul.legend line.series-{n}").get_attribute("stroke-dasharray")
            assert drawn == key  # the key's line is the chart's line
    finally:
        context.close()


# -- feeds, saved searches, batches ------------------------------------------------------------------


def test_follow_save_and_batch_a_search(page, console, server, full_demo) -> None:  # noqa: ANN001
    from xml.etree import ElementTree as ET

    page.goto(server + "/search?q=sanctions")
    feed = page.locator('head link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    assert page.get_by_role("link", name="Atom feed of the newest matches").get_attribute("href") == feed
    entries = ET.fromstring(urlopen(server + feed).read()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 50
    page.get_by_label("Save this search as").fill("Sanctions, watched")
    page.get_by_role("button", name="Save search").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Sanctions, watched"
    assert page.get_by_role("heading", level=2).first.inner_text() == "0 new since you last looked"
    screenshot(page, full_demo, "saved-search")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Saved searches").click()
    assert "nothing new since you last looked" in page.locator(".saved-list").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batch").click()
    page.get_by_label("Queries or names, one a line").fill('sanctions\n"unclosed\nscheme:PIP')
    page.get_by_role("button", name="Search every line").click()
    rows = page.locator("table.batch tbody tr")
    assert rows.count() == 3
    assert "Could not be read" in rows.nth(1).inner_text() and "Try:" in rows.nth(1).inner_text()
    assert int(rows.nth(0).locator("td").first.inner_text().split()[0]) > 0
    screenshot(page, full_demo, "batch")
    page.get_by_label("Save this batch as").fill("Three lines")
    page.get_by_role("button", name="Save batch").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Three lines"
    assert "0 lines have changed" in page.locator("main").inner_text()
    assert console == []


# -- a phone and a keyboard -------------------------------------------------------------------------


PAGES = [
    "/",
    "/search?q=sanctions",
    "/search?q=PIP&since=2016",
    "/search?q=%22unclosed&since=2020-13",
    "/search?q=zzyzx",
    "/help",
    "/sources",
    "/entity/org:dwp",
    "/entity/official:stephen-timms",
    "/entity/official:sample-ignatius-drumbleforth",  # an invented official: notice, roles, chart, quotes
    "/timeline?q=sanctions&q=scheme:ESA&by=year",
    "/timeline?q=scheme:pip&measure=share&by=year",
    "/timeline?q=%22unclosed",
    "/quotes?q=sanctions",
    "/quotes?source=dns",
    "/timelines",
    "/saved",
    "/batch?lines=sanctions%0A%22unclosed%0Ascheme%3APIP%0ABenefits+and+Work&names=",
    "/search?q=*&date=collected&since=2010&sort=newest",
    "/doc/{first}",
    "/doc/{first}/archived",
    "/doc/{sample}",
    "/login",
    "/no-such-page",
]


def fill_path(server: str, path: str) -> str:
    if "{first}" in path:  # the document with the most quotes and mentions marked in its text
        first = api(server, "/api/quotes?q=*&source=black-triangle")["results"][0]["doc_id"]
        path = path.format(first=first)
    return path.format(sample=sample_doc(server)) if "{sample}" in path else path


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_serious_accessibility_violations(axe_page, server, full_demo, path: str) -> None:  # noqa: ANN001
    path = fill_path(server, path)
    axe_page.goto(server + path)
    assert axe_violations(axe_page) == []
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    screenshot(axe_page, full_demo, f"page-{name}")


@pytest.mark.parametrize("path", PAGES)
def test_pages_fit_a_phone_with_targets_big_enough_to_tap(axe_phone, server, full_demo, path: str) -> None:  # noqa: ANN001
    path = fill_path(server, path)
    axe_phone.goto(server + path)
    width = axe_phone.evaluate("document.documentElement.clientWidth")
    assert axe_phone.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert axe_violations(axe_phone, target_size=True) == []  # WCAG 2.2: targets of at least 24 px
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    screenshot(axe_phone, full_demo, f"phone-{name}")


def assert_none_on_any_page(browser, console, server: str, width: int, finder: str) -> None:  # noqa: ANN001
    """Every page of ``PAGES`` at ``width`` px: the script ``finder`` lists what is wrong on it, and lists
    nothing."""
    context, page = open_context(browser, console, viewport={"width": width, "height": 900})
    try:
        for path in PAGES:
            page.goto(server + fill_path(server, path))
            assert page.evaluate(finder) == [], (width, path)
    finally:
        context.close()


LABELS_APART = """() => Array.from(document.querySelectorAll('label[for]')).flatMap(label => {
  const field = document.getElementById(label.htmlFor);
  if (!field || !label.offsetParent || !field.offsetParent) return [];
  const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
  const beside = l.top < f.bottom && f.top < l.bottom;
  const above = l.bottom <= f.top + 1 && f.top - l.bottom < 16 && l.left < f.right && f.left < l.right;
  return beside || above ? [] : [label.textContent.trim()];
})"""


@pytest.mark.parametrize("width", [320, 390, 560, 800, 1024, 1280])
def test_every_label_stays_beside_or_above_its_field(browser, console, server, width: int) -> None:  # noqa: ANN001
    """A label ending one line and its field starting the next reads as the label of whatever follows it
    ('To' at a line's end, a date field below 'From' on the next): at every width, each label is beside
    its field or directly above it."""
    assert_none_on_any_page(browser, console, server, width, LABELS_APART)


DAYS_BROKEN = """() => Array.from(document.querySelectorAll('td')).flatMap(cell => {
  if (!/^\\d{4}-\\d{2}-\\d{2}$/.test(cell.textContent.trim())) return [];
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
  return lines.size > 1 ? [cell.textContent.trim()] : [];
})"""


CAPTIONS_SQUEEZED = """() => Array.from(document.querySelectorAll('caption')).flatMap(caption => {
  const box = caption.getBoundingClientRect();
  if (box.width <= 1 || caption.closest('.visually-hidden')) return [];
  const range = document.createRange();
  range.selectNodeContents(caption);
  const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
  const room = caption.closest('table').parentElement.clientWidth;
  return lines > 1 && box.width < Math.min(room, 300) - 1 ? [caption.textContent.trim()] : [];
})"""


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_a_table_caption_is_never_squeezed_into_a_column(browser, console, server, width: int) -> None:  # noqa: ANN001
    """A caption is as wide as its table: an entity page's year table of two short columns set 'Articles
    mentioning Department for Work and Pensions, by year' over five lines of 150 px, at every width. Every
    caption of more than one line has the room's width, or 300 px where the room is wider."""
    assert_none_on_any_page(browser, console, server, width, CAPTIONS_SQUEEZED)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_day_in_a_table_is_never_broken_over_two_lines(browser, console, server, width: int) -> None:  # noqa: ANN001
    """A batch's first and last days stood as '2012-' over '03-28' beside a long list of outlets."""
    context, page = open_context(browser, console, viewport={"width": width, "height": 900})
    try:
        for path in ("/batch?lines=sanctions%0Ascheme%3APIP%0ABenefits+and+Work&names=", "/sources"):
            page.goto(server + path)
            assert page.locator("td").count() > 0, path
            assert page.evaluate(DAYS_BROKEN) == [], (width, path)
    finally:
        context.close()


def test_on_a_phone_the_first_result_is_on_the_first_screen(phone, server) -> None:  # noqa: ANN001
    for path in ("/search?q=PIP", "/quotes?q=*"):
        phone.goto(server + path)
        top = phone.locator("ol.hits > li").first.bounding_box()["y"]
        assert top < PHONE["height"], (path, top)  # not under 2,100 px of filters
    phone.goto(server + "/search?q=PIP")
    filters = phone.get_by_role("navigation", name="Filter these results")
    assert filters.bounding_box()["y"] > phone.locator("ol.hits").bounding_box()["y"]  # after the results
    phone.get_by_role("link", name="Filter these results").click()
    assert phone.url.endswith("#filters")
    for selector in ("a.exclude", ".chips a", ".pagination a", "button"):
        for element in phone.locator(selector).all()[:10]:
            if element.is_visible():
                assert element.bounding_box()["height"] >= 24, selector


def test_the_first_result_is_two_key_presses_away(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to results"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("ol.hits h2 a").first.inner_text()
    assert page.evaluate("document.activeElement.textContent") == first


def test_every_control_is_reachable_by_keyboard(page, server) -> None:  # noqa: ANN001
    page.goto(server + "/search?q=sanctions")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    reached = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate("document.activeElement.tagName + ':' + (document.activeElement.name || '')")
        )
    assert "INPUT:q" in reached and "BUTTON:" in reached and any(r.startswith("A:") for r in reached)
