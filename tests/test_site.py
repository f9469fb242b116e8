"""The course website (`make html`): built from the committed notebooks, offline.

The site is built once per session (the `built_site` fixture of conftest.py);
these tests read the HTML it wrote. One more small build, of a lesson made for
the purpose, checks what today's lessons may not contain (a widget output with
every representation, stored widget state, a solution with a printed output).
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
PLAYER = "gmmlib-static-player"
EXTERNAL = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


# -- helpers ------------------------------------------------------------------


@lru_cache(maxsize=None)
def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def page_of(root: Path, notebook: Path) -> Path:
    return root / "notebooks" / f"{notebook.stem}.html"


def target(root: Path, page: Path, href: str) -> Path:
    """The file a relative link on page points to (fragment and query dropped)."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, f"{href!r} on {page.name} is not local"
    if not parts.path:
        return page
    here = posixpath.dirname(page.relative_to(root).as_posix())
    return root / posixpath.normpath(posixpath.join(here, parts.path))


def readme_lessons() -> list[tuple[str, str, str, str]]:
    """(number, title, notebook path, what it teaches) of README's lesson table."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Lessons\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            title, path = re.fullmatch(r"\[(.+)\]\((.+)\)", cells[1]).groups()
            rows.append((cells[0], title, path, cells[2]))
    return rows


def notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def rendered_code_cells(nb) -> list:
    """The code cells that myst-nb renders, in order (one div.cell each)."""
    cells = []
    for cell in nb.cells:
        tags = set(cell.metadata.get("tags", []))
        if cell.cell_type != "code" or tags & {"remove-cell", "remove_cell"}:
            continue
        if tags & {"remove-input", "remove_input"} and tags & {"remove-output", "remove_output"}:
            continue
        cells.append(cell)
    return cells


def page_cells(page: BeautifulSoup, nb) -> list:
    """The page's div.cell elements, paired with the notebook's code cells."""
    divs = page.select("div.cell")
    cells = rendered_code_cells(nb)
    assert len(divs) == len(cells), "the page and the notebook have different code cells"
    return list(zip(cells, divs))


def html_of(output) -> str:
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def words(text: str) -> str:
    """Text reduced to what a reader sees: no markup, plain quotes, single spaces."""
    text = re.sub(r"[`$]|\\\(|\\\)", "", text).replace("\u2019", "'")
    return " ".join(text.split())


def lesson_minutes(nb) -> int:
    first = next(c for c in nb.cells if c.cell_type == "markdown" and "**Time.**" in c.source)
    return int(re.search(r"\*\*Time\.\*\*\s*About (\d+) minutes", first.source).group(1))


# -- the landing page and the navigation --------------------------------------


def test_every_lesson_has_a_page_linked_from_the_landing_page(built_site):
    index = built_site / "index.html"
    table = soup(index).select_one(".lesson-table table")
    assert table is not None, "the landing page has no lesson table"
    linked = {target(built_site, index, a["href"]) for a in table.select("a[href]")}
    assert LESSONS, "no lessons found"
    for nb in LESSONS:
        page = page_of(built_site, nb)
        assert page.is_file(), f"no page for {nb.name}"
        assert page in linked, f"the landing page's table does not link {page.name}"


def test_the_lesson_table_is_the_readmes_with_each_lessons_time(built_site):
    index = built_site / "index.html"
    rows = soup(index).select(".lesson-table tbody tr")
    expected = readme_lessons()
    assert len(expected) == len(LESSONS), "README's lesson table and notebooks/ differ"
    assert len(rows) == len(expected)
    for row, (number, title, path, teaches) in zip(rows, expected):
        cells = row.find_all("td")
        assert [c.get_text(" ", strip=True) for c in cells[:2]] == [number, title]
        link = cells[1].find("a")["href"]
        assert target(built_site, index, link) == built_site / Path(path).with_suffix(".html")
        assert words(cells[2].get_text()) == words(teaches)
        minutes = lesson_minutes(notebook(REPO / path))
        assert cells[3].get_text(strip=True) == f"{minutes} min"


def test_each_page_links_to_the_next_and_the_sidebar_to_every_lesson(built_site):
    order = [built_site / "index.html"] + [page_of(built_site, nb) for nb in LESSONS]
    for page, following in zip(order, order[1:] + [None]):
        nexts = soup(page).select("a.right-next")
        if following is None:
            assert not nexts, f"{page.name} is the last page but links to a next one"
            continue
        assert nexts, f"{page.name} has no link to the next page"
        assert target(built_site, page, nexts[0]["href"]) == following
    for page in order:
        sidebar = soup(page).select_one("nav.bd-docs-nav")
        linked = {target(built_site, page, a["href"]) for a in sidebar.select("a[href]")}
        assert set(order[1:]) <= linked, f"the sidebar of {page.name} misses a lesson"


# -- offline: everything from the site itself ------------------------------------


def test_no_page_loads_a_script_stylesheet_or_font_from_another_host(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= len(LESSONS) + 1
    for page in pages:
        doc = soup(page)
        for tag in doc.find_all(["script", "img", "iframe", "source", "audio", "video",
                                 "embed", "input"]):
            src = tag.get("src", "")
            assert not EXTERNAL.match(src), f"{page.name}: <{tag.name} src={src!r}>"
        for tag in doc.find_all("link"):
            href = tag.get("href", "")
            assert not EXTERNAL.match(href), f"{page.name}: <link href={href!r}>"
        for tag in doc.find_all("object"):
            assert not EXTERNAL.match(tag.get("data", "")), f"{page.name}: <object>"
        for style in doc.find_all("style"):
            assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", style.get_text()), page.name
        for script in doc.find_all("script", src=False):
            text = re.sub(r"http://www\.w3\.org/[\w/.#-]*", "", script.get_text())
            assert not re.search(r"https?://", text), f"{page.name}: an inline script names a URL"
    for css in built_site.rglob("*.css"):
        text = re.sub(r"url\(\s*['\"]?data:[^)]*\)", "", css.read_text(encoding="utf-8"))
        assert not re.search(r"(url\(|@import)\s*['\"]?(https?:)?//", text), css.name


def test_mathjax_is_served_by_the_site(built_site):
    with_math = 0
    for nb in LESSONS:
        page = page_of(built_site, nb)
        doc = soup(page)
        if not doc.select(".math"):
            continue
        with_math += 1
        scripts = [s["src"] for s in doc.find_all("script", src=True) if "mathjax" in s["src"].lower()]
        assert len(scripts) == 1, f"{page.name}: MathJax scripts {scripts}"
        mathjax = target(built_site, page, scripts[0])
        assert mathjax == built_site / "_static" / "mathjax" / "tex-chtml.js"
        assert mathjax.is_file()
    assert with_math >= len(LESSONS) - 1, "most lessons have formulas, rendered as math"
    fonts = built_site / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert len(list(fonts.glob("*.woff"))) > 10, "MathJax's fonts are served too"


def test_inline_and_display_maths_become_mathjax_math(built_site):
    doc = soup(page_of(built_site, LESSONS[0]))
    inline = doc.select("span.math")
    display = doc.select("div.math")
    assert inline and display
    assert inline[0].get_text().startswith("\\(") and display[0].get_text().strip().startswith("\\[")
    assert "$" not in "".join(m.get_text() for m in inline + display)


# -- solutions and widgets ------------------------------------------------------


def test_solution_sources_are_collapsed_and_their_outputs_visible(built_site):
    total = 0
    for path in LESSONS:
        nb = notebook(path)
        for cell, div in page_cells(soup(page_of(built_site, path)), nb):
            details = div.find("details")
            if "solution" not in cell.metadata.get("tags", []):
                assert details is None, f"{path.name}: a cell that is not a solution is collapsed"
                continue
            total += 1
            assert details is not None, f"{path.name}: a solution's source is not collapsed"
            assert not details.has_attr("open")
            assert details.find("summary").get_text(" ", strip=True).startswith("Show the solution")
            code = details.select_one("div.cell_input").get_text()
            assert cell.source.strip().splitlines()[0] in code
            output = div.select_one("div.cell_output")
            if cell.outputs:
                assert output is not None and output.find_parent("details") is None, (
                    f"{path.name}: a solution's output is hidden"
                )
    assert total >= 2 * len(LESSONS), "every lesson has two or more solutions"


def test_widget_outputs_show_the_static_player_not_the_widget_view(built_site):
    players = 0
    for path in LESSONS:
        nb = notebook(path)
        page = soup(page_of(built_site, path))
        assert not page.find("script", type=WIDGET_VIEW), f"{path.name}: a widget view"
        assert not page.find("script", type=WIDGET_STATE), f"{path.name}: widget state"
        for cell, div in page_cells(page, nb):
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if PLAYER in html_of(output):
                    players += 1
                    player = div.select_one(f"div.{PLAYER}")
                    assert player is not None, f"{path.name}: a player is missing from its page"
                    frame = player.select_one("img.gmmlib-static-frame")
                    assert frame is not None and frame["src"].startswith("data:image/png")
                elif WIDGET_VIEW in data:
                    assert "image/png" in data, f"{path.name}: a widget output without a picture"
                    assert div.select_one("div.cell_output img"), f"{path.name}: no picture"
        assert len(page.select(f"div.{PLAYER}")) == sum(
            PLAYER in html_of(o) for c in nb.cells for o in c.get("outputs", [])
        )
    print(f"{players} static players on the site")


def test_the_build_has_no_warnings(built_site):
    log = (built_site.parent / "build.log").read_text(encoding="utf-8")
    assert "WARNING" not in log and "ERROR" not in log, log


# -- a lesson made for the purpose ----------------------------------------------


PLAYER_HTML = (
    f'<div class="{PLAYER}"><input type="range" class="gmmlib-range" min="0" max="1">'
    '<span class="gmmlib-static-readout">step 0</span>'
    '<img class="gmmlib-static-frame" src="data:image/png;base64,iVBORw0KGgo="></div>'
)
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="


def demo_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {"abc": {"model_name": "VBoxModel"}},
                                             "version_major": 2, "version_minor": 0}}
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Lesson 01: A demonstration\n\n**Time.** About 7 minutes.\n\n"
            "Inline $a^2 + b^2$ and displayed\n\n$$\\sum_i r_{ik} = N_k$$"
        ),
        nbformat.v4.new_code_cell("player()", outputs=[nbformat.v4.new_output(
            "display_data", data={WIDGET_VIEW: view, "text/html": PLAYER_HTML,
                                  "image/png": PNG, "text/plain": "Player(...)"})]),
        nbformat.v4.new_code_cell("old_widget()", outputs=[nbformat.v4.new_output(
            "display_data", data={WIDGET_VIEW: view, "image/png": PNG,
                                  "text/plain": "OldWidget(...)"})]),
        nbformat.v4.new_code_cell(
            "def answer():\n    return 42\n\nprint('checked: 42')",
            metadata={"jupyter": {"source_hidden": True}, "tags": ["solution"]},
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="checked: 42\n")],
        ),
    ]
    return nb


def test_a_lesson_made_for_the_purpose(tmp_path, build_course_site):
    lesson = tmp_path / "lessons" / "01_demo.ipynb"
    lesson.parent.mkdir()
    nbformat.write(demo_notebook(), lesson)
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Demo\n\n## Lessons\n\n| | lesson | what it teaches |\n|---|---|---|\n"
        "| 01 | [A demonstration](notebooks/01_demo.ipynb) | the `player` and $x$ |\n",
        encoding="utf-8",
    )
    root = build_course_site(tmp_path / "out" / "html", "--readme", str(readme),
                             "--notebook", str(lesson))
    page_path = root / "notebooks" / "01_demo.html"
    page = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
    player_cell, old_cell, solution = page.select("div.cell")

    # the widget output: the player, neither the widget view nor the picture
    assert player_cell.select_one(f"div.{PLAYER} img.gmmlib-static-frame")
    assert not player_cell.select("div.cell_output > div > img, div.cell_output > img")
    assert "Player(...)" not in player_cell.get_text()
    # without text/html, the picture; never the view, never the widget state or manager
    assert old_cell.select_one("div.cell_output img")
    assert "OldWidget(...)" not in old_cell.get_text()
    assert not page.find("script", type=WIDGET_VIEW)
    assert not page.find("script", type=WIDGET_STATE)
    assert not [s for s in page.find_all("script", src=True) if EXTERNAL.match(s["src"])]

    # the solution: the source behind a closed toggle, the printed output visible
    details = solution.find("details")
    assert "def answer" in details.get_text() and not details.has_attr("open")
    output = solution.select_one("div.cell_output")
    assert "checked: 42" in output.get_text() and output.find_parent("details") is None

    # the maths and the landing page's row
    assert page.select("span.math") and page.select("div.math")
    index = BeautifulSoup((root / "index.html").read_text(encoding="utf-8"), "html.parser")
    (row,) = index.select(".lesson-table tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[0] == "01" and cells[1] == "A demonstration" and cells[3] == "7 min"
    assert row.find("a")["href"] == "notebooks/01_demo.html"
    assert page.select_one("a.left-prev")["href"] == "../index.html"
    log = (root.parent / "build.log").read_text(encoding="utf-8")
    assert "WARNING" not in log, log
