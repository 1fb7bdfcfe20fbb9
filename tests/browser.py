"""A real headless browser for the dashboard tests: Debian's chromium driven through selenium.

In CI (the environment variable CI is set) a missing or broken browser is an error with a
message that says what to install; on a developer's machine without chromium the browser
tests are skipped (they say so), but a browser that is there and fails to start fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars")
INSTALL_HINT = "apt-get install -y chromium chromium-driver && pip install selenium (.ci/run does both)"


class BrowserMissing(Exception):
    """No browser, driver or selenium on this machine."""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _which(names: tuple[str, ...]) -> str | None:
    return next((path for path in map(shutil.which, names) if path), None)


def start_chromium(profile: Path, width: int = 1600, height: int = 1000):
    """A selenium WebDriver on headless chromium with a fresh profile in `profile`."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as exc:
        raise BrowserMissing(f"the python package selenium is not installed ({INSTALL_HINT})") from exc
    browser, driver = _which(CHROMIUM_NAMES), _which(DRIVER_NAMES)
    if browser is None or driver is None:
        missing = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if p is None)
        raise BrowserMissing(f"{missing} not found on PATH ({INSTALL_HINT})")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    # Both paths given: selenium's own manager never tries to download a browser or driver.
    return webdriver.Chrome(options=options, service=Service(executable_path=driver))
