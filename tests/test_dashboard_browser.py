"""The dashboard in a real headless browser (chromium): heatmap, click for findings, sorting,
hostile text shown as text, no network, a screenshot.

Without chromium this fails in CI and is skipped elsewhere (see tests/browser.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import BrowserMissing, in_ci, start_chromium
from test_batch import make_class

from auditor.batch import dashboard
from auditor.batch.run import run_batch

HOSTILE_NAME = '"><img src=x onerror=window.__xss=1>'
HOSTILE_MESSAGE = "</script><script>window.__xss=2</script><img src=x onerror=window.__xss=3>"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    except BrowserMissing as exc:
        if in_ci():
            pytest.fail(f"the dashboard browser test needs chromium in CI: {exc}", pytrace=False)
        pytest.skip(f"no browser here: {exc}")
    except Exception as exc:  # noqa: BLE001 (chromium is there but does not start: always a failure)
        pytest.fail(f"headless chromium did not start: {type(exc).__name__}: {exc}", pytrace=False)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def class_out(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-class")
    klass = make_class(root / "class")
    (klass / "plain").rename(klass / HOSTILE_NAME)
    out = root / "out"
    run_batch(klass, out, jobs=2)
    return out


def open_page(browser, path: Path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(path.as_uri())
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))


def cells(browser, selector: str):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def test_heatmap_cells_match_the_class(browser, class_out):
    open_page(browser, class_out / "dashboard.html")
    document = json.loads((class_out / "class.json").read_text(encoding="utf-8"))
    items = [i["id"] for i in document["statistics"]["items"]]
    audited = [g for g in document["groups"] if g["report"] is not None]
    assert len(cells(browser, "td.cell")) == len(audited) * len(items)
    rows = cells(browser, "#heatmap tbody tr")
    assert [r.get_attribute("data-group") for r in rows] == [str(i) for i in range(len(document["groups"]))]
    for g, group in enumerate(document["groups"]):
        if group["report"] is None:
            error = cells(browser, f'tr[data-group="{g}"] td.error')[0]
            assert "could not be audited" in error.text and "binary" in error.text
            continue
        for i, item in enumerate(items):
            cell = cells(browser, f'td.cell[data-group="{g}"][data-item="{i}"]')[0]
            assert f"v-{group['verdicts'][item]}" in cell.get_attribute("class").split()
    assert len(cells(browser, "#item-bars .bar")) == len(items)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0


def test_click_shows_findings_and_hostile_text_stays_text(browser, class_out, tmp_path):
    open_page(browser, class_out / "dashboard.html")
    document = json.loads((class_out / "class.json").read_text(encoding="utf-8"))
    g = next(i for i, group in enumerate(document["groups"]) if group["group"] == "example")
    item = [i["id"] for i in document["statistics"]["items"]].index("dockerfiles")
    cells(browser, f'td.cell[data-group="{g}"][data-item="{item}"]')[0].click()
    details = cells(browser, "#details")[0]
    assert "example" in details.text and "dockerfiles" in details.text and "corroborated" in details.text
    wheres = [w.text for w in cells(browser, "#details .finding .where")]
    assert "dockerfiles/train.dockerfile:1" in wheres
    assert "train.dockerfile" in cells(browser, "#details .finding .message")[0].text

    hostile_row = next(i for i, group in enumerate(document["groups"]) if group["group"] == HOSTILE_NAME)
    assert cells(browser, f'tr[data-group="{hostile_row}"] td.group button')[0].text == HOSTILE_NAME
    assert browser.execute_script("return window.__xss === undefined")

    # A report whose findings carry markup: it shows as text and runs nothing.
    report = document["groups"][g]["report"]
    finding = {"path": "<b>x</b>.py", "line": 3, "message": HOSTILE_MESSAGE, "strength": "weak"}
    next(i for i in report["items"] if i["id"] == "dockerfiles")["findings"].insert(0, finding)
    document["groups"][g]["group"] = HOSTILE_MESSAGE
    page = tmp_path / "hostile.html"
    page.write_text(dashboard.render(document), encoding="utf-8")
    open_page(browser, page)
    cells(browser, f'td.cell[data-group="{g}"][data-item="{item}"]')[0].click()
    assert cells(browser, "#details .finding .message")[0].text == HOSTILE_MESSAGE
    assert cells(browser, "#details .finding .where")[0].text == "<b>x</b>.py:3"
    assert cells(browser, "#details h2")[0].text == HOSTILE_MESSAGE
    assert browser.execute_script("return window.__xss === undefined")
    assert not cells(browser, "#details img, #details b, #heatmap img")


def test_sorting_by_unsupported_claims_and_screenshot(browser, class_out, tmp_path):
    open_page(browser, class_out / "dashboard.html")
    cells(browser, "#sort-unsupported")[0].click()

    def unsupported_column():
        values = [r.find_elements("css selector", "td.count")[1].text for r in cells(browser, "#heatmap tbody tr")]
        return [int(v) for v in values if v != "-"], values

    numbers, values = unsupported_column()
    assert numbers == sorted(numbers, reverse=True) and values[-1] == "-", "groups not audited go last"
    cells(browser, "#sort-unsupported")[0].click()
    numbers, _ = unsupported_column()
    assert numbers == sorted(numbers)
    cells(browser, "td.cell.v-corroborated")[0].click()
    shot = tmp_path / "dashboard.png"
    assert browser.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
