"""Build the course website from the committed notebooks (``make html``).

    python site/build.py [OUTDIR]            # default: build/html

Nothing is executed: each page shows the outputs stored in its notebook.
Sphinx reads a source directory made of links to ``site/index.md`` and to
``notebooks/NN_name.ipynb`` (the files themselves, not copies), next to
OUTDIR: ``OUTDIR/../site-src``, with Sphinx's cache in ``OUTDIR/../doctrees``.

``--readme`` and ``--notebook`` build the site of other lessons (the tests
use them on a lesson made for the purpose).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

SITE = Path(__file__).resolve().parent
REPO = SITE.parent


def lesson_notebooks() -> list[Path]:
    """The lessons' notebooks, in order: notebooks/NN_name.ipynb."""
    return sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


def make_source_dir(srcdir: Path, notebooks: list[Path]) -> None:
    """(Re)create srcdir as links: index.md and notebooks/<name>.ipynb."""
    if srcdir.is_symlink() or srcdir.is_file():
        srcdir.unlink()
    elif srcdir.exists():
        shutil.rmtree(srcdir)
    (srcdir / "notebooks").mkdir(parents=True)
    (srcdir / "index.md").symlink_to(SITE / "index.md")
    for notebook in notebooks:
        notebook = Path(notebook).resolve()
        if notebook.suffix != ".ipynb" or not notebook.is_file():
            raise ValueError(f"not a notebook file: {notebook}")
        (srcdir / "notebooks" / notebook.name).symlink_to(notebook)


def build(
    outdir: Path | str = REPO / "build" / "html",
    *,
    notebooks: list[Path] | None = None,
    readme: Path | str | None = None,
    fresh: bool = False,
    quiet: bool = False,
) -> tuple[Path, int]:
    """Build the site into outdir; return (outdir, number of Sphinx warnings).

    notebooks: the lessons to include (default: every notebooks/NN_*.ipynb);
    readme: the README whose lesson table the landing page shows;
    fresh: ignore Sphinx's cache of an earlier build.
    """
    from sphinx.application import Sphinx
    from sphinx.util.console import color_terminal, nocolor
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    if not color_terminal():  # plain text in logs and pipes
        nocolor()

    outdir = Path(outdir).resolve()
    notebooks = lesson_notebooks() if notebooks is None else list(notebooks)
    if not notebooks:
        raise ValueError("no notebooks to build a site from")
    srcdir = outdir.parent / "site-src"
    doctrees = outdir.parent / "doctrees"
    make_source_dir(srcdir, notebooks)
    overrides = {} if readme is None else {"course_readme": str(Path(readme).resolve())}

    with patch_docutils(SITE), docutils_namespace():
        app = Sphinx(
            srcdir=str(srcdir),
            confdir=str(SITE),
            outdir=str(outdir),
            doctreedir=str(doctrees),
            buildername="html",
            confoverrides=overrides,
            status=None if quiet else sys.stdout,
            warning=sys.stderr,
            freshenv=fresh,
        )
        app.build()
    if app.statuscode:
        raise RuntimeError(f"Sphinx failed (status {app.statuscode})")
    return outdir, app._warncount


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default=str(REPO / "build" / "html"))
    parser.add_argument("--readme", help="README whose lesson table the landing page shows")
    parser.add_argument("--notebook", action="append", dest="notebooks",
                        help="a lesson to include (repeatable; default: every lesson)")
    parser.add_argument("--fresh", action="store_true", help="rebuild every page")
    parser.add_argument("--quiet", action="store_true", help="print warnings only")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    outdir, warnings = build(
        args.outdir,
        notebooks=None if args.notebooks is None else [Path(n) for n in args.notebooks],
        readme=args.readme, fresh=args.fresh, quiet=args.quiet,
    )
    seconds = time.perf_counter() - start
    index = outdir / "index.html"
    noun = "warning" if warnings == 1 else "warnings"
    print(f"\nThe course site is built ({seconds:.1f} s, {warnings} {noun}).")
    print(f"Open {index.as_uri()} in a browser")
    try:
        print(f"(the file {index.relative_to(Path.cwd())}); it needs no server and no network.")
    except ValueError:
        print(f"(the file {index}); it needs no server and no network.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
