"""What the browser tests (and bench/browser.py) do in a page.

- ``guard(page)``: block every request to a host other than 127.0.0.1 and
  record page errors and console errors.
- ``open_notebook`` / ``run_all``: a lesson in JupyterLab or Notebook 7,
  driven through its menus; ``window.jupyterapp`` is only read, to know when
  the kernel is ready and when every cell has run.
- ``Player``: a course widget on the page (the contract of gmmlib.widgets:
  ``.gmmlib-player`` live, ``.gmmlib-static-player`` without a kernel).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

ALLOWED_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"file", "data", "blob", "about"}



def upstream(page_error):
    """A known race in Notebook 7's keyboard-shortcut plugin, on every page it serves
    (jupyter/notebook#7862), widgets or not: not the course's."""
    return (page_error.startswith("Cannot read properties of undefined (reading 'schema')")
            and "/static/notebook/" in page_error)


@dataclass
class PageLog:
    """What a guarded page tried and what went wrong in it."""

    blocked: list = field(default_factory=list)        # URLs of requests refused
    page_errors: list = field(default_factory=list)    # uncaught exceptions: "message\nstack"
    console_errors: list = field(default_factory=list)  # console.error: "text (url)"

    def widget_errors(self):
        """Page errors, and console errors that come from widgets or from gmmlib."""
        ours = re.compile(r"widget|gmmlib", re.IGNORECASE)
        return ([e for e in self.page_errors if not upstream(e)]
                + [e for e in self.console_errors if ours.search(e)])


def guard(page):
    """Block requests to other hosts than 127.0.0.1; return the PageLog being filled."""
    log = PageLog()

    def route(route):
        url = urlparse(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname in ALLOWED_HOSTS:
            route.continue_()
        else:
            log.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def console(message):
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            log.console_errors.append(f"{message.text} ({where})")

    page.route("**/*", route)
    page.on("pageerror", lambda error: log.page_errors.append(f"{error.message}\n{error.stack}"))
    page.on("console", console)
    return log


def save_screenshot(page, directory):
    """A screenshot of a failed test's page, its path printed with the test's output."""
    path = directory / "failure.png"
    try:
        page.screenshot(path=path)
        print(f"screenshot of the failed page: {path}")
    except Exception as error:  # the page may be gone
        print(f"no screenshot of the failed page: {error}")


# -- a notebook in JupyterLab or Notebook 7 ------------------------------------------

KERNEL_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
                 && panel.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
}"""

# The notebook is read and every one of its cells is in the DOM.
NOTEBOOK_ON_PAGE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const model = panel && panel.context && panel.context.isReady && panel.content
                && panel.content.model;
  return !!model && model.cells.length > 0
         && document.querySelectorAll('.jp-Notebook .jp-Cell').length === model.cells.length;
}"""

# Code cells not run yet, error outputs, and the kernel's status.
RUN_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  let pending = 0;
  const errors = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (let j = 0; j < cell.outputs.length; j++) {
      const output = cell.outputs.get(j).toJSON();
      if (output.output_type === 'error') errors.push(`cell ${i}: ${output.ename}: ${output.evalue}`);
    }
    if (cell.sharedModel.getSource().trim() && cell.executionCount == null) pending++;
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {pending, errors, status: kernel ? kernel.status : 'none'};
}"""


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def widget_cells(path):
    """The indices of the cells whose committed outputs display a widget."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [i for i, cell in enumerate(cells)
            if any(WIDGET_VIEW in output.get("data", {}) for output in cell.get("outputs", []))]


def open_notebook(page, server, path, timeout=90):
    """Open notebooks/<path.name> in the server's front end; wait until all its cells
    are on the page and its kernel is idle. A dialog (e.g. the notebook cannot be
    read) fails with its text."""
    page.goto(server.notebook_url(path.name))
    dialog = page.locator(".jp-Dialog")
    deadline = time.monotonic() + timeout
    while not page.evaluate(NOTEBOOK_ON_PAGE):
        if dialog.count():
            raise AssertionError(f"{path.name} did not open in {server.app}:\n"
                                 + dialog.first.inner_text()[:2000])
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name}: not all its cells on the page after {timeout} s")
        page.wait_for_timeout(100)
    page.wait_for_function(KERNEL_READY, timeout=timeout * 1000)


def menu(page, *labels):
    """Click through a menu of the front end's menu bar, e.g. menu(page, "Run", "Run All Cells")."""
    for label in labels:
        page.get_by_role("menuitem", name=label, exact=True).click()


def run_all(page, timeout=600):
    """Clear every output and Run All Cells, by the menus; wait until every code cell
    has run (or one failed). Returns the error outputs, as "cell i: Name: message"."""
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(RUN_STATE)
        if state["status"] == "idle" and (state["pending"] == 0 or state["errors"]):
            return state["errors"]
        if time.monotonic() > deadline:
            raise AssertionError(f"cells still running after {timeout} s: {state}")
        page.wait_for_timeout(200)


def traceback_outputs(page):
    """The texts of stderr outputs on the page that hold a Python traceback."""
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    texts = [stderr.nth(i).inner_text() for i in range(stderr.count())]
    return [t for t in texts if "Traceback" in t]


def widget_display_errors(page):
    """Outputs where the widget manager failed to show a widget."""
    failed = page.get_by_text("Error displaying widget")
    return [failed.nth(i).inner_text() for i in range(failed.count())]


# -- the course's widgets ------------------------------------------------------------

class Player:
    """One course widget on a page: ``live`` (ipywidgets, ``.gmmlib-player``) or
    static (``.gmmlib-static-player``, exported HTML and the course website)."""

    def __init__(self, page, root, live):
        self.page = page
        self.root = root
        self.live = live
        if live:
            self.handle = root.locator(".gmmlib-slider .noUi-handle")
            self.frames = root.locator(".gmmlib-frames")
            self.readout = root.locator(".gmmlib-readout")
        else:
            self.handle = root.locator("input.gmmlib-range")
            self.frames = root.locator("img.gmmlib-static-frame")
            self.readout = root.locator(".gmmlib-static-readout")

    @classmethod
    def all_live(cls, page):
        roots = page.locator(".gmmlib-player")
        return [cls(page, roots.nth(i), True) for i in range(roots.count())]

    @classmethod
    def all_static(cls, page):
        roots = page.locator(".gmmlib-static-player")
        return [cls(page, roots.nth(i), False) for i in range(roots.count())]

    # -- where the slider is ---------------------------------------------------------

    def _number(self, attribute):
        return float(self.handle.get_attribute(attribute))

    def position(self):
        """The slider's value (the frame's number for a static player)."""
        if self.live:
            return self._number("aria-valuenow")
        return float(self.handle.input_value())

    def bounds(self):
        if self.live:
            return self._number("aria-valuemin"), self._number("aria-valuemax")
        return self._number("min"), self._number("max")

    def direction(self):
        """+1 if the slider can move right, else -1."""
        low, high = self.bounds()
        return 1 if self.position() < high else -1

    # -- what is on screen -------------------------------------------------------------

    def visible_source(self):
        """The src of the frame image on screen."""
        images = self.frames.locator("img") if self.live else self.frames
        return images.evaluate_all(
            "imgs => (imgs.find(i => i.offsetParent !== null) || {}).src || null")

    def screenshot(self):
        self.frames.scroll_into_view_if_needed()
        return self.frames.screenshot(animations="disabled")

    def picture_is_shown(self):
        """The frame image on screen is decoded and has a size."""
        images = self.frames.locator("img") if self.live else self.frames
        return images.evaluate_all(
            "imgs => imgs.some(i => i.offsetParent !== null && i.complete && i.naturalWidth > 0"
            " && i.getBoundingClientRect().width > 100 && i.getBoundingClientRect().height > 50)")

    def wait_for_change(self, source, position, timeout=5.0):
        """Wait until the frame on screen is another than ``source`` and the slider
        has left ``position``; False if that does not happen within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.position() != position and self.visible_source() not in (None, source):
                return True
            self.page.wait_for_timeout(20)
        return False

    # -- moving it -----------------------------------------------------------------------

    def focus_slider(self):
        self.handle.scroll_into_view_if_needed()
        if self.live:
            self.handle.click()      # a click on the handle itself does not move it
        else:
            self.handle.focus()

    def press(self, key):
        """A key pressed on the focused slider."""
        if self.live:
            self.page.keyboard.press(key)
        else:
            self.handle.press(key)

    def drag_to(self, fraction):
        """Drag the handle with the mouse to ``fraction`` (0..1) of the track."""
        track = self.root.locator(".gmmlib-slider .noUi-base" if self.live else "input.gmmlib-range")
        track.scroll_into_view_if_needed()
        box = track.bounding_box()
        handle = self.handle.bounding_box() if self.live else None
        if handle is not None:
            start = (handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        else:
            start = (box["x"] + box["width"] * (self.position() - self.bounds()[0])
                     / max(self.bounds()[1] - self.bounds()[0], 1), box["y"] + box["height"] / 2)
        end = (box["x"] + box["width"] * fraction, start[1])
        self.page.mouse.move(*start)
        self.page.mouse.down()
        self.page.mouse.move(*end, steps=8)
        self.page.mouse.up()


def check_moves(player, *, keyboard=True, drag=True):
    """Move a player's slider (arrow key, then a mouse drag); return what failed.

    Each move must change the slider's value, the frame image on screen and
    the picture's pixels.
    """
    problems = []

    def attempt(what, move):
        source, position, before = player.visible_source(), player.position(), player.screenshot()
        move()
        if not player.wait_for_change(source, position):
            problems.append(f"{what}: slider at {player.position()} (was {position}), "
                            f"frame {'unchanged' if player.visible_source() == source else 'changed'}")
        elif player.screenshot() == before:
            problems.append(f"{what}: the slider moved but the picture on screen did not change")

    if keyboard:
        key = "ArrowRight" if player.direction() > 0 else "ArrowLeft"

        def press():
            player.focus_slider()
            player.press(key)

        attempt(f"key {key}", press)
    if drag:
        fraction = 0.8 if player.direction() > 0 else 0.2
        attempt(f"mouse drag to {fraction:.0%} of the track", lambda: player.drag_to(fraction))
    return problems
