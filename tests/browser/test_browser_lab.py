"""Every lesson in JupyterLab: Run All without an error, and every widget responds.

Each lesson is opened in a real JupyterLab (a temporary copy of notebooks/),
its outputs cleared and all its cells run by the menu. No output may be an
error or a traceback, no widget may fail to display, and each course widget
(``.gmmlib-player``) must follow its slider: an arrow key on the handle and a
mouse drag each change the slider's value, the frame on screen and the
picture's pixels.

One lesson runs at a time: on two cores, two lessons side by side take
longer than one after the other (their kernels and pages compete).
"""

from __future__ import annotations

import pytest

from jupyter_servers import NOTEBOOKS
from pages import Player, check_moves, open_notebook, run_all, traceback_outputs, \
    widget_cells, widget_display_errors

LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def lab(lab_server):
    yield lab_server
    lab_server.shutdown_sessions()      # the lesson's kernel, before the next lesson


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_and_its_widgets_respond(lab, page, page_log, lesson):
    open_notebook(page, lab, lesson)
    errors = run_all(page)
    assert not errors, f"error outputs after Run All: {errors}"
    assert not traceback_outputs(page), traceback_outputs(page)
    assert not widget_display_errors(page), widget_display_errors(page)

    players = Player.all_live(page)
    expected = len(widget_cells(lesson))
    assert len(players) == expected, (
        f"{len(players)} course widgets on the page, the committed notebook shows {expected}")
    for number, player in enumerate(players):
        assert player.picture_is_shown(), f"widget {number}: no picture"
        problems = check_moves(player)
        assert not problems, f"widget {number}: {problems}"
    assert not page_log.widget_errors(), page_log.widget_errors()
