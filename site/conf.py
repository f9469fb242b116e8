"""Sphinx configuration of the course website (``make html``).

The site is built from the committed notebooks, outputs included, without
executing them. ``site/build.py`` assembles the source directory (links to
``site/index.md`` and ``notebooks/*.ipynb``, read in place) and runs Sphinx
with this configuration. Everything a page loads is served from the site
itself: MathJax comes from sphinx-mathjax-offline, and no widget JavaScript is
loaded.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "Gaussian mixtures and EM, step by step"
author = "the course's authors"
html_title = project
language = "en"

extensions = [
    "myst_nb",
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/mathjax
    "course_site",  # the lesson table, collapsed solutions, no widget state
]

root_doc = "index"
include_patterns = ["index.md", "notebooks/[0-9]*.ipynb"]
exclude_patterns = ["**/.ipynb_checkpoints"]

# The lesson table is read from the README next to this directory.
course_readme = str(HERE.parent / "README.md")

# -- Notebooks: committed outputs, never executed ----------------------------
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# A widget's output bundle holds its view (needs a kernel or the widget
# manager from a CDN), a self-contained text/html player and an image/png of
# its first frame. The view is never rendered, so text/html comes first and
# the picture is the fallback.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
nb_mime_priority_overrides = [
    (builder, WIDGET_VIEW, None) for builder in ("html", "dirhtml", "singlehtml")
]
nb_ipywidgets_js = {}  # no require.js, no html-manager from a CDN

# -- HTML ---------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": True,
    "navbar_persistent": [],  # one search field, in the sidebar
}
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
# Light unless the reader picks dark: the lessons' figures are drawn on white.
html_context = {"default_mode": "light"}
