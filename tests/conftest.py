"""Fixtures shared by the tests: the course website, built once per session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SITE_BUILD = REPO / "site" / "build.py"


def _build_site(outdir: Path, *args: str) -> Path:
    """Build the site into outdir with site/build.py in its own process.

    Sphinx's output (warnings included) is kept in outdir/../build.log.
    Returns outdir, the html root (outdir/index.html is the landing page).
    """
    outdir = Path(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, str(SITE_BUILD), str(outdir), "--quiet", "--fresh", *args],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    (outdir.parent / "build.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        pytest.fail(f"site/build.py failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return outdir


@pytest.fixture(scope="session")
def build_course_site():
    """site/build.py as a function: build_course_site(outdir, *cli_args) -> outdir."""
    return _build_site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The html root of the course site built from the committed notebooks.

    Built once per test session into a temporary directory; the landing page
    is built_site / "index.html", lesson NN_name is
    built_site / "notebooks" / "NN_name.html".
    """
    return _build_site(tmp_path_factory.mktemp("course_site") / "html")
