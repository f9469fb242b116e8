"""Lesson 01 in Jupyter Notebook 7: the stepper's slider follows the arrow keys.

Notebook 7 handles its keyboard shortcuts before the page's own controls see a
key (JupyterLab handles them after), so in command mode an arrow key on a
focused slider would move between cells instead, unless the focused element
carries ``data-lm-suppress-shortcuts``, which gmmlib's players must give it.
"""

from __future__ import annotations

from jupyter_servers import NOTEBOOKS
from pages import Player, check_moves, open_notebook, run_all

LESSON = NOTEBOOKS / "01_em_in_1d.ipynb"


def test_arrow_keys_move_the_stepper_in_notebook7(notebook7_server, page, page_log):
    open_notebook(page, notebook7_server, LESSON)
    errors = run_all(page)
    assert not errors, f"error outputs after Run All: {errors}"
    players = Player.all_live(page)
    assert players, "no course widget on the page after Run All"
    player = players[0]

    problems = check_moves(player, drag=False)
    focused = page.evaluate("document.activeElement.className")
    assert not problems, (f"{problems}; the focus is now on {focused!r} (Notebook 7's "
                          "command-mode shortcuts took the key?)")
    # Three steps right and one back, from the keyboard alone.
    start = player.position()
    for key in ["ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft"]:
        player.press(key)
    page.wait_for_function(
        "([handle, value]) => +handle.getAttribute('aria-valuenow') === value",
        arg=[player.handle.element_handle(), start + 2], timeout=5_000)
    assert not page_log.widget_errors(), page_log.widget_errors()
