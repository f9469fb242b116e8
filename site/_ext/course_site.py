"""Sphinx extension for the course website.

- ``{lesson-table}``: the landing page's table of lessons. The lessons, their
  titles and what each teaches come from the lesson table of README.md (the
  ``course_readme`` setting), the time from the ``**Time.** About N minutes``
  line that opens each notebook.
- Cells tagged ``solution`` show their source only when the reader opens it
  (a ``<details>`` element); their output stays visible.
- No ipywidgets JavaScript: the widget state stored in a notebook is dropped,
  so a page never needs the widget manager (the mime priority in conf.py
  renders a widget's ``text/html`` or ``image/png`` instead of its view).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

SOLUTION_TAG = "solution"

# | 01 | [EM in one dimension, by hand](notebooks/01_em_in_1d.ipynb) | the generative story, ... |
README_ROW = re.compile(
    r"^\|\s*(?P<number>\d+)\s*"
    r"\|\s*\[(?P<title>[^\]]+)\]\((?P<path>notebooks/[^)\s]+\.ipynb)\)\s*"
    r"\|\s*(?P<teaches>.*?)\s*\|\s*$"
)
TIME_LINE = re.compile(r"\*\*Time\.\*\*\s*About\s+(\d+)\s+minutes")


def readme_lessons(readme: Path) -> list[dict[str, str]]:
    """The rows of the README's lesson table, in order.

    Returns a list of dicts with keys ``number``, ``title``, ``path`` (relative
    to the repository, e.g. ``notebooks/01_em_in_1d.ipynb``) and ``teaches``.
    """
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = README_ROW.match(line.strip())
        if match:
            rows.append(match.groupdict())
    return rows


def lesson_minutes(notebook: Path) -> int | None:
    """The minutes a lesson says it takes, from its first markdown cells."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells[:3]:
        if cell["cell_type"] == "markdown":
            match = TIME_LINE.search("".join(cell["source"]))
            if match:
                return int(match.group(1))
    return None


class LessonTable(SphinxDirective):
    """The table of lessons: number, linked title, what it teaches, time."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        readme = Path(self.config.course_readme)
        if not readme.is_file():
            raise self.error(f"lesson-table: no README at {readme}")
        self.env.note_dependency(str(readme))
        rows = readme_lessons(readme)
        if not rows:
            raise self.error(f"lesson-table: {readme} has no lesson table rows")

        srcdir = Path(self.env.srcdir)
        lines = ["| | lesson | what it teaches | time |", "|---|---|---|---|"]
        listed = set()
        for row in rows:
            notebook = srcdir / row["path"]
            if not notebook.is_file():
                logger.warning(
                    "lesson-table: README lists %s, which the site does not have",
                    row["path"], location=self.get_location(),
                )
                continue
            listed.add(row["path"])
            self.env.note_dependency(str(notebook))
            minutes = lesson_minutes(notebook)
            if minutes is None:
                logger.warning(
                    "lesson-table: %s has no '**Time.** About N minutes' line",
                    row["path"], location=self.get_location(),
                )
            time = "" if minutes is None else f"{minutes} min"
            # a document reference: the page, whatever the notebook's file is
            docname = "/" + row["path"].removesuffix(".ipynb")
            lines.append(
                f"| {row['number']} | {{doc}}`{row['title']} <{docname}>` "
                f"| {row['teaches']} | {time} |"
            )
        for notebook in sorted((srcdir / "notebooks").glob("*.ipynb")):
            path = f"notebooks/{notebook.name}"
            if path not in listed:
                logger.warning(
                    "lesson-table: %s is missing from the README's lesson table",
                    path, location=self.get_location(),
                )

        container = nodes.container(classes=["lesson-table"])
        self.state.nested_parse(StringList(lines, source=str(readme)), self.content_offset, container)
        return [container]


def collapse_solutions(app: Sphinx, doctree: nodes.document) -> None:
    """Hide the source of every cell tagged ``solution`` behind a toggle.

    myst-nb wraps the source of a cell whose container has a ``hide_mode``
    in a ``<details>`` element (its HideInputCells post-transform); the
    output is left outside, visible.
    """
    for node in doctree.findall(nodes.container):
        if node.get("nb_element") != "cell_code":
            continue
        if SOLUTION_TAG not in node.get("cell_metadata", {}).get("tags", []):
            continue
        # keep what a hide-output or hide-cell tag asks for, and add the input
        mode = node.get("hide_mode")
        node["hide_mode"] = {None: "input", "output": "input+output"}.get(mode, mode)
        node["prompt_show"] = "Show the solution"
        node["prompt_hide"] = "Hide the solution"


def drop_widget_state(app: Sphinx, doctree: nodes.document) -> None:
    """Remove the ipywidgets state that myst-nb would embed in the page.

    Without the widget manager (which lives on a CDN) the state is dead
    weight; the page shows each widget's static rendering instead.
    """
    metadata = getattr(app.env, "nb_metadata", {})
    if app.env.docname in metadata:
        metadata[app.env.docname].get("js_files", {}).pop("ipywidgets_state", None)


def reread_landing_page(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Rebuild the lesson table when a lesson appears or goes."""
    return [app.config.root_doc] if added or removed else []


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_readme", "", "env", types=[str])
    app.add_directive("lesson-table", LessonTable)
    app.connect("env-get-outdated", reread_landing_page)
    app.connect("doctree-read", collapse_solutions)
    app.connect("doctree-read", drop_widget_state)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
