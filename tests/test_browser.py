"""The pages in a real headless browser: Debian's chromium driven by Playwright.

Load the home page, open an example query, edit and run a query, see the rows, follow a result to
an entity page and see the who-did-what diagram (an inline SVG) and the timeline.
Needs /usr/bin/chromium (Debian package ``chromium``); Playwright's own browsers are never used.
"""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import IN_CI
from serve_harness import make_published, make_root, serve

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("chromium is not installed; .ci/apt-packages should install it")
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("browser")
    with serve(make_published(tmp / "published"), make_root(tmp / "root"), workers=1) as lv:
        yield lv


def test_home_query_entity_diagram(browser, live) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live.url + "/")
    assert page.title() == "diplokg: diplomacy news as linked data"
    assert page.locator("#count-triples").inner_text() == "123"

    # an example query from queries/ opens in the editor and runs
    page.get_by_role("link", name="Who criticised what, with which word?").click()
    page.wait_for_selector("#results")
    assert page.locator("#results tbody tr").count() == 2

    # edit the query in the textarea and run it
    page.fill("#query", "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                        "SELECT ?state ?name WHERE { ?state a <https://w3id.org/diplokg/ontology#State> ; "
                        "rdfs:label ?name } ORDER BY ?name")
    page.click("#run")
    page.wait_for_selector("#results")
    names = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert names == ["Australia@en", "North Korea@en", "Russia@en", "South Korea@en"]  # language tags shown
    assert "/query?query=" in (page.locator("#share").get_attribute("href") or "")

    # follow a result to its entity page
    page.get_by_role("link", name="Australia").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Australia"

    # an entity with events: the diagram is an SVG with one box per actor/target, and a timeline
    page.goto(live.url + "/id/person/penny-wong")
    svg = page.locator("#diagram svg")
    assert svg.count() == 1
    box = svg.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100  # actually rendered
    assert svg.locator("rect.focus").count() == 5
    assert "Criticism" in (svg.text_content() or "")
    assert page.locator("#timeline li").count() == 5
    assert "Wong said the pact was <deeply destabilising>" in page.locator("#timeline").inner_text()
    assert errors == []
    page.close()
