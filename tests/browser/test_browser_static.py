"""The widgets without a kernel: a lesson exported by nbconvert, and the course site.

Both pages are opened from files, with JavaScript on and no network (every
request to another host than 127.0.0.1 is refused). Where a lesson displays a
widget, the page must show its picture, and the static player's range input
(``input.gmmlib-range``) must move the picture, from the keyboard and with the
mouse.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from jupyter_servers import NOTEBOOKS
from pages import Player, check_moves, widget_cells

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

WITH_WIDGETS = [path for path in LESSONS if widget_cells(path)]


def check_players(page, expected):
    players = Player.all_static(page)
    assert len(players) == expected, (
        f"{len(players)} static players on the page, the lesson displays {expected} widgets")
    for number, player in enumerate(players):
        assert player.picture_is_shown(), f"player {number}: no picture"
        assert player.handle.is_visible(), f"player {number}: its controls stay hidden"
        problems = check_moves(player)
        assert not problems, f"player {number}: {problems}"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The first lesson with a widget, exported by `jupyter nbconvert --to html`."""
    lesson = WITH_WIDGETS[0]
    out = tmp_path_factory.mktemp("nbconvert")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html",
                    "--output-dir", str(out), str(lesson)],
                   check=True, capture_output=True, timeout=120)
    return lesson, out / f"{lesson.stem}.html"


def test_nbconvert_export_shows_and_plays_the_widget(exported, page, page_log):
    lesson, html = exported
    page.goto(html.as_uri())
    cells = page.locator(".jp-Cell")
    for index in widget_cells(lesson):
        images = cells.nth(index).locator(".jp-OutputArea img")
        shown = images.evaluate_all(
            "imgs => imgs.some(i => i.complete && i.naturalWidth > 0"
            " && i.getBoundingClientRect().width > 100 && i.getBoundingClientRect().height > 50)")
        assert shown, f"cell {index}: no picture where the widget was"
    check_players(page, len(widget_cells(lesson)))
    # nbconvert's template asks a CDN for MathJax; a widget manager it asks for
    # only when the notebook stores widget state, which the lessons must not.
    managers = [url for url in page_log.blocked if "jupyter-widgets" in url]
    assert not managers, (f"the export loads a widget manager from the network: {managers} "
                          "(the notebook stores widget state in its metadata)")
    assert not page_log.widget_errors(), page_log.widget_errors()


@pytest.mark.parametrize("lesson", WITH_WIDGETS, ids=[p.stem for p in WITH_WIDGETS])
def test_site_page_plays_its_widgets_offline(built_site, page, page_log, lesson):
    html = built_site / "notebooks" / f"{lesson.stem}.html"
    assert html.exists(), f"no page {html.relative_to(built_site)} in the built site"
    page.goto(html.as_uri())
    check_players(page, len(widget_cells(lesson)))
    assert not page_log.blocked, f"the page asked other hosts: {page_log.blocked}"
    assert not page_log.page_errors, page_log.page_errors
    assert not page_log.console_errors, page_log.console_errors
