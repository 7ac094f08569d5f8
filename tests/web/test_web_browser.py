"""A real browser on the real server: Debian's headless Chromium, driven by Selenium
through Debian's chromedriver, against ``nbkg serve`` on a free localhost port over a copy
of the built store.

It opens the SPARQL query editor, runs a canned query and sees its rows, draws the chart,
follows a permalink, completes a class name from the ontology; it opens an entity page
and follows a link; it uses the search box and its suggestions. No browser is downloaded:
``.ci/run`` installs ``chromium`` and ``chromium-driver`` from Debian when they are missing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: Flags this machine (and CI: root, no GPU, no outside network) needs.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1000",
)
WAIT = 15.0
#: The canned query the editor tests run: a count per class, so it also charts.
EXAMPLE = "entities-per-class"


@pytest.fixture(scope="module")
def site(served: str) -> str:
    """The session's real ``nbkg serve`` (see tests/web/conftest.py); its base URL."""
    return served


@pytest.fixture(scope="module")
def driver() -> Iterator[WebDriver]:
    """One headless Chromium for the module, with a fresh profile."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: apt-get install chromium chromium-driver (.ci/run does)"
        )
    profile = tempfile.mkdtemp(prefix="nbkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(WAIT)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


# ------------------------------------------------------------------ helpers


def wait_for(browser: WebDriver, condition, message: str):
    return WebDriverWait(browser, WAIT, poll_frequency=0.1).until(condition, message)


def css(browser: WebDriver, selector: str) -> list:
    return browser.find_elements(By.CSS_SELECTOR, selector)


def fresh(browser: WebDriver, url: str) -> None:
    """Open ``url`` as a first-time visitor: no editor tabs or settings kept.

    The browser clears the origin's storage itself: a page's own
    ``localStorage.clear()`` may not reach disk before the next page reads it.
    """
    origin = "/".join(url.split("/")[:3])
    browser.get("about:blank")
    browser.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
    browser.get(url)


def open_editor(browser: WebDriver, site: str) -> None:
    fresh(browser, f"{site}/sparql")
    wait_for(browser, lambda b: css(b, ".yasqe .CodeMirror"), "the query editor did not load")
    wait_for(browser, lambda b: b.execute_script("return !!window.nbkgEditor"), "no editor")


def editor_query(browser: WebDriver) -> str:
    return browser.execute_script("return window.nbkgEditor.getTab().getQuery()")


def run_example(browser: WebDriver, name: str) -> None:
    Select(css(browser, "#example-picker")[0]).select_by_value(name)
    next(b for b in css(browser, ".yasqe_queryButton") if b.is_displayed()).click()
    wait_for(browser, lambda b: result_rows(b), f"no result rows for {name}")


def result_rows(browser: WebDriver) -> list:
    return css(browser, ".yasr_results table.dataTable tbody tr")


def severe_logs(browser: WebDriver) -> list[str]:
    """Console and network errors, less a missing favicon."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon.ico" not in entry["message"]
    ]


# ------------------------------------------------------------------ the editor


def test_editor_loads_with_nothing_from_outside(driver, site: str) -> None:
    driver.get_log("browser")  # drop what came before
    open_editor(driver, site)
    settings = driver.execute_script(
        "return JSON.parse(document.getElementById('editor-settings').textContent)"
    )
    # the canned queries are offered, and the first one is in the editor on a first visit
    values = driver.execute_script(
        "return [...document.querySelectorAll('#example-picker option')].map(o => o.value)"
    )
    assert values[1:] == [e["name"] for e in settings["examples"]]
    assert editor_query(driver) == settings["examples"][0]["query"]
    # new queries start with the project's prefixes
    css(driver, ".yasgui .addTab")[0].click()
    wait_for(driver, lambda b: "PREFIX nbkg:" in editor_query(b), "no prefixes in a new tab")
    new_query = editor_query(driver)
    for name, namespace in settings["prefixes"].items():
        assert f"PREFIX {name}: <{namespace}>" in new_query
    # every request the page made went to this site
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site))
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    outside = [u for u in fetched if not u.startswith((origin, "data:", "blob:"))]
    assert outside == []
    assert any(u.endswith("/static/vendor/yasgui/yasgui.min.js") for u in fetched)
    assert severe_logs(driver) == []


def test_canned_query_runs_and_shows_rows(driver, site: str) -> None:
    open_editor(driver, site)
    run_example(driver, EXAMPLE)
    assert "SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities)" in editor_query(driver)
    headers = [h.text for h in css(driver, ".yasr_results table.dataTable thead th")]
    assert "class" in headers and "entities" in headers
    cells = " ".join(row.text for row in result_rows(driver))
    assert "nbkg:Cluster" in cells  # IRIs shown with the project's prefixes
    # the project's own IRIs link to this site, not to w3id.org
    link = next(a for a in css(driver, ".yasr_results a.iri") if a.text == "nbkg:Cluster")
    driver.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('mouseover', {bubbles: true}))", link
    )
    assert link.get_attribute("href") == f"{site}/def#Cluster"
    assert not driver.execute_script("return arguments[0].hasAttribute('target')", link)
    assert severe_logs(driver) == []


def test_chart_view_draws_the_counts(driver, site: str) -> None:
    open_editor(driver, site)
    run_example(driver, EXAMPLE)
    css(driver, ".yasr .select_chart")[0].click()
    wait_for(driver, lambda b: css(b, ".yasr_results .nbkg-chart canvas"), "no chart drawn")
    chart = driver.execute_script(
        "const c = Chart.getChart(document.querySelector('.nbkg-chart canvas'));"
        "return {labels: c.data.labels, values: c.data.datasets[0].data,"
        " width: c.width, height: c.height}"
    )
    assert "nbkg:Cluster" in chart["labels"]
    assert len(chart["values"]) == len(chart["labels"]) > 1
    assert all(isinstance(v, int | float) and v > 0 for v in chart["values"])
    assert chart["width"] > 100 and chart["height"] > 100
    # the view's own controls: another chart type redraws it
    Select(css(driver, ".nbkg-chart-type")[0]).select_by_value("pie")
    wait_for(
        driver,
        lambda b: b.execute_script(
            "const c = Chart.getChart(document.querySelector('.nbkg-chart canvas'));"
            "return c && c.config.type === 'pie'"
        ),
        "the chart did not turn into a pie",
    )
    assert severe_logs(driver) == []


def test_permalink_reopens_the_query(driver, site: str) -> None:
    open_editor(driver, site)
    run_example(driver, EXAMPLE)
    query = editor_query(driver)
    link = css(driver, "#permalink")[0]
    driver.execute_script("arguments[0].dispatchEvent(new Event('mouseenter'))", link)
    href = link.get_attribute("href")
    assert href.startswith(f"{site}/sparql#query=")
    # a visitor with nothing kept opens the link: the editor holds the query and runs it
    fresh(driver, f"{site}/sparql")
    driver.get("about:blank")
    driver.get(href)
    wait_for(driver, lambda b: css(b, ".yasqe .CodeMirror"), "the editor did not load")
    wait_for(driver, lambda b: result_rows(b), "the permalink's query did not run")
    assert editor_query(driver) == query
    # a permalink followed from the editor itself opens too
    other = driver.execute_script(
        "return JSON.parse(document.getElementById('editor-settings').textContent)"
        ".examples.find(e => e.name === 'triples-per-graph').query"
    )
    driver.execute_script(
        "window.location.hash = 'query=' + encodeURIComponent(arguments[0])", other
    )
    wait_for(driver, lambda b: editor_query(b) == other, "the linked query did not open")
    wait_for(
        driver,
        lambda b: any("graph:" in row.text for row in result_rows(b)),
        "the linked query did not run",
    )
    # YASGUI's own share button gives the same kind of link
    share = driver.execute_script("return window.nbkgEditor.getTab().getShareableLink()")
    assert share.startswith(f"{site}/sparql#query=")
    assert severe_logs(driver) == []


def test_completion_offers_the_ontology_terms(driver, site: str) -> None:
    open_editor(driver, site)
    driver.execute_script(
        "const y = window.nbkgEditor.getTab().getYasqe();"
        "y.setValue('SELECT * WHERE {\\n  ?thing a '); y.focus();"
        "y.setCursor(y.lineCount() - 1, 1000);"
    )
    css(driver, ".yasqe .CodeMirror textarea")[0].send_keys("clus")
    wait_for(
        driver,
        lambda b: any(h.text == "nbkg:Cluster" for h in css(b, ".CodeMirror-hints li")),
        "nbkg:Cluster was not offered",
    )
    css(driver, ".yasqe .CodeMirror textarea")[0].send_keys(Keys.ENTER)
    wait_for(
        driver,
        lambda b: "PREFIX nbkg: <https://w3id.org/nbkg/def#>" in editor_query(b),
        "the completion did not declare its prefix",
    )
    assert "?thing a nbkg:Cluster" in editor_query(driver)


# ------------------------------------------------------------ pages and search


def test_entity_page_link_leads_to_another_page(driver, site: str) -> None:
    driver.get(f"{site}/page/paper-province")
    heading = css(driver, "main h1")
    assert heading and heading[0].text.strip() == "Paper Province"
    links = [
        a
        for a in css(driver, "main a[href^='/page/'], main a[href^='" + site + "/page/']")
        if "/page/paper-province" not in a.get_attribute("href") and a.is_displayed()
    ]
    assert links, "no link to another entity page"
    target = links[0].get_attribute("href")
    links[0].click()
    wait_for(driver, lambda b: b.current_url == target, f"did not reach {target}")
    wait_for(
        driver, lambda b: css(b, "main h1") and css(b, "main h1")[0].text.strip(), "no heading"
    )
    assert css(driver, "main h1")[0].text.strip() != "Paper Province"


def test_search_box_suggests_and_searches(driver, site: str) -> None:
    driver.get(f"{site}/")
    box = css(driver, "#site-search")[0]
    box.send_keys("varmland")
    wait_for(
        driver,
        lambda b: any(
            "Värmland" in a.text
            for a in css(b, "#site-search-suggestions li a")
            if a.is_displayed()
        ),
        "no suggestion for 'varmland'",
    )
    box.send_keys(Keys.ENTER)
    wait_for(driver, lambda b: urlsplit(b.current_url).path == "/search", "no search page")
    assert "q=varmland" in urlsplit(driver.current_url).query
    wait_for(
        driver,
        lambda b: any("Värmland" in a.text for a in css(b, "main a[href*='/page/']")),
        "no search result for 'varmland'",
    )
