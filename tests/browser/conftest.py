"""Fixtures of the browser tests: Chromium driven by Playwright, Jupyter servers.

Chromium is Debian's package (/usr/bin/chromium, or $CHROMIUM); Playwright's
own browser download is not used. Without Chromium the tests are skipped,
except on CI (the environment variable CI set), where they fail.
"""

from __future__ import annotations

import os

import pytest

from jupyter_servers import NO_CHROMIUM, JupyterServer, find_chromium
from pages import guard, save_screenshot


@pytest.fixture(scope="session")
def chromium_path():
    path = find_chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(NO_CHROMIUM, pytrace=False)
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="module")
def browser(chromium_path):
    """One Chromium per test module (Playwright's event loop ends with the module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.browser_test_failed = report.failed


@pytest.fixture
def page_and_log(browser, request, tmp_path):
    """A fresh page (its own context) that reaches no other host than 127.0.0.1,
    and the PageLog of its errors. A failed test leaves a screenshot in tmp_path."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    log = guard(page)
    try:
        yield page, log
    finally:
        if getattr(request.node, "browser_test_failed", False):
            save_screenshot(page, tmp_path)
        context.close()


@pytest.fixture
def page(page_and_log):
    return page_and_log[0]


@pytest.fixture
def page_log(page_and_log):
    return page_and_log[1]


@pytest.fixture(scope="module")
def lab_server(chromium_path):
    """JupyterLab on a temporary copy of notebooks/ (stopped, or killed, at the end)."""
    with JupyterServer("lab") as server:
        yield server


@pytest.fixture(scope="module")
def notebook7_server(chromium_path):
    """Jupyter Notebook 7 on a temporary copy of notebooks/."""
    with JupyterServer("notebook") as server:
        yield server
