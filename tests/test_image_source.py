"""Where an image of the report lives: full GitHub URLs to this repository resolved to its files."""

import time

import pytest

from auditor.report.links import ImageSource, image_source
from auditor.report.parsed import ParsedReport

SLUG = ("acme", "proj")
REPORT = "reports/README.md"
RAW = "https://raw.githubusercontent.com/acme/proj"


def _paths(target: str, slug=SLUG) -> tuple[str, ...]:
    return image_source(target, REPORT, slug).paths


@pytest.mark.parametrize(("url", "first"), [
    ("https://github.com/acme/proj/blob/main/reports/figures/a.png", "reports/figures/a.png"),
    ("https://github.com/acme/proj/blob/main/reports/figures/a.png?raw=true", "reports/figures/a.png"),
    ("https://github.com/acme/proj/raw/main/reports/figures/a.png", "reports/figures/a.png"),
    (f"{RAW}/main/reports/figures/a.png", "reports/figures/a.png"),
    (f"{RAW}/refs/heads/main/reports/figures/a.png", "reports/figures/a.png"),
    ("https://github.com/ACME/Proj/blob/9f3c2a1e/reports/figures/a.png", "reports/figures/a.png"),
    ("http://www.github.com/acme/proj.git/blob/main/figures/a.png#top", "figures/a.png"),
    ("https://github.com/acme/proj/blob/main/reports/figures/loss%20curve%2Bval.png",
     "reports/figures/loss curve+val.png"),
])
def test_a_url_to_this_repository_names_the_file_first(url, first):
    source = image_source(url, REPORT, SLUG)
    assert source.by_url and source.paths[0] == first
    assert not (source.uploaded or source.external)


def test_the_ref_is_kept_and_a_branch_with_slashes_is_tried_as_later_splits():
    source = image_source("https://github.com/acme/proj/blob/feature/report/reports/a.png", REPORT, SLUG)
    assert source.ref == "feature"
    assert source.paths[:2] == ("report/reports/a.png", "reports/a.png")
    assert image_source(f"{RAW}/refs/heads/main/a.png", REPORT, SLUG).ref == "refs/heads/main"


@pytest.mark.parametrize("url", [
    "https://github.com/other/proj/blob/main/reports/figures/a.png",  # another owner
    "https://github.com/acme/project2/blob/main/reports/figures/a.png",  # another repository
    "https://raw.githubusercontent.com/acme/proj-fork/main/a.png",
    "https://github.com/acme/proj/blob/main/../../etc/passwd",  # climbs out
    "https://github.com/acme/proj/blob/main/reports/%2E%2E/%2E%2E/x.png",  # climbs out, encoded
    "https://github.com/acme/proj/blob/main/reports\\..\\x.png",
    "https://github.com/acme/proj/tree/main/reports/figures",  # a folder, not an image
    "https://github.com/acme/proj/blob/main/",
    "https://github.com/acme/proj",
    "https://i.imgur.com/abc.png",
])
def test_anything_else_is_not_a_file_of_this_repository(url):
    source = image_source(url, REPORT, SLUG)
    assert source.paths == () and source.external and not source.by_url


@pytest.mark.parametrize("url", [
    "https://github.com/user-attachments/assets/96da953a-71f6-4289-9e51-39b719075740",
    "https://user-images.githubusercontent.com/1234/5678-abcd.png",
    "https://private-user-images.githubusercontent.com/1234/5678-abcd.png?jwt=x",
])
def test_an_upload_is_named_as_one(url):
    assert image_source(url, REPORT, SLUG) == ImageSource((), uploaded=True)


def test_without_a_github_remote_only_the_folder_name_identifies_the_repository():
    assert _paths("https://github.com/anyone/proj/blob/main/a.png", (None, "proj")) == ("a.png",)
    assert _paths("https://github.com/anyone/other/blob/main/a.png", (None, "proj")) == ()


def test_relative_images_resolve_against_the_report_as_before():
    assert image_source("figures/a.png?raw=true", REPORT, SLUG) == ImageSource(("reports/figures/a.png",))
    assert image_source("/docs/a.png", REPORT, SLUG).paths == ("docs/a.png",)
    assert image_source("../../../a.png", REPORT, SLUG).paths == ()
    assert image_source("figures/a.png", None, SLUG).paths == ()


def test_a_hostile_100k_character_url_is_refused_at_once():
    start = time.perf_counter()
    for url in ("https://github.com/acme/proj/blob/main/" + "a/" * 50_000 + "x.png",
                "https://github.com/acme/" + "p" * 100_000,
                "https://raw.githubusercontent.com/" + "a." * 50_000):
        assert image_source(url, REPORT, SLUG).paths == ()
    assert time.perf_counter() - start < 0.5


def test_the_parsed_report_resolves_with_its_own_slug():
    text = "![a](https://github.com/Acme/PROJ/blob/main/reports/figures/a.png)\n"
    report = ParsedReport(REPORT, text, slug=SLUG)
    assert report.image_source(report.images[0].target).paths[0] == "reports/figures/a.png"
