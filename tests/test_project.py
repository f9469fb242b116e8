"""Repository consistency: dependency lists, lesson pairs and committed notebook outputs."""

import json
import re
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# Lessons are notebooks/NN_name.py (py:percent source) + notebooks/NN_name.ipynb.
LESSON_SOURCES = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))
LESSON_NOTEBOOKS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
LESSON_PAIRS = sorted(
    (py, py.with_suffix(".ipynb")) for py in LESSON_SOURCES if py.with_suffix(".ipynb").exists()
)


def for_each(argname, values, ids):
    """Parametrise a test over lesson files, one id per file.

    With no files the test is not collected at all: pytest would report an
    empty parametrisation as a skip, and having no lessons yet is not a reason
    to skip anything.
    """
    def decorate(test):
        if not values:
            return None
        return pytest.mark.parametrize(argname, values, ids=ids)(test)

    return decorate


# ---------------------------------------------------------------------------
# Dependencies: pyproject.toml and environment.yml list the same packages


def requirement_name(spec):
    """'scikit_learn>=1.3' -> 'scikit-learn'; 'python=3.11' -> 'python'."""
    spec = spec.strip().split("::")[-1]  # conda channel prefix, e.g. conda-forge::numpy
    name = re.split(r"[\s<>=!~;\[@]", spec, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def pyproject_packages(pyproject):
    """Runtime dependencies plus every extra (make install installs them all)."""
    project = pyproject["project"]
    extras = project.get("optional-dependencies", {})
    specs = project.get("dependencies", []) + [s for group in extras.values() for s in group]
    return {requirement_name(s) for s in specs}


def environment_packages(environment):
    """Conda dependencies (without python and pip) plus the pip section
    (without the '-e .' line that installs the course itself)."""
    names = set()
    for entry in environment.get("dependencies", []):
        if isinstance(entry, dict):
            pip_specs = [s for s in entry.get("pip", []) if s.split() != ["-e", "."]]
            names.update(requirement_name(s) for s in pip_specs)
        else:
            names.add(requirement_name(entry))
    return names - {"python", "pip"}


def dependency_mismatch(pyproject, environment):
    """A message naming the packages missing on either side; '' if they agree."""
    in_pyproject = pyproject_packages(pyproject)
    in_environment = environment_packages(environment)
    problems = []
    if in_pyproject - in_environment:
        problems.append(f"missing from environment.yml: {sorted(in_pyproject - in_environment)}")
    if in_environment - in_pyproject:
        problems.append(f"missing from pyproject.toml: {sorted(in_environment - in_pyproject)}")
    return "; ".join(problems)


def test_pyproject_and_environment_list_the_same_packages():
    """pip users (pyproject) and conda users (environment.yml) get the same packages."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert pyproject_packages(pyproject), "no dependencies found in pyproject.toml"
    assert dependency_mismatch(pyproject, environment) == ""


def test_binder_environment_matches_the_conda_environment():
    """Binder builds .binder/environment.yml (then postBuild installs the course):
    it must ask for exactly the conda packages of environment.yml, Python included."""
    def conda_specs(path):
        deps = yaml.safe_load(path.read_text())["dependencies"]
        return sorted(d for d in deps if isinstance(d, str))

    assert conda_specs(ROOT / ".binder" / "environment.yml") == conda_specs(ROOT / "environment.yml")
    assert "pip install --no-deps -e ." in (ROOT / ".binder" / "postBuild").read_text()


def test_dependency_check_names_the_missing_packages():
    """The checker normalises names and versions, and reports both directions."""
    pyproject = {"project": {
        "dependencies": ["NumPy>=2.0", "scikit_learn>=1.3"],
        "optional-dependencies": {"notebooks": ["pandas"], "test": ["pytest>=7"], "docs": ["sphinx"]},
    }}
    environment = {"dependencies": [
        "python=3.11", "pip", "numpy >=2.0", "scikit-learn=1.5", "pytest", "seaborn",
        {"pip": ["-e .", "pandas==2.2", "sphinx"]},
    ]}
    assert dependency_mismatch(pyproject, environment) == "missing from pyproject.toml: ['seaborn']"
    environment["dependencies"].remove("pytest")
    assert dependency_mismatch(pyproject, environment) == (
        "missing from environment.yml: ['pytest']; missing from pyproject.toml: ['seaborn']"
    )


# ---------------------------------------------------------------------------
# Lesson pairs: NN_name.py and NN_name.ipynb hold the same cells


def lesson_cells(path):
    """[(cell_type, stripped source)] of a lesson file, .py or .ipynb."""
    return [(cell.cell_type, cell.source.strip()) for cell in jupytext.read(path).cells]


def cell_mismatch(py_path, ipynb_path):
    """Where the two files of a pair first differ; '' if they hold the same cells."""
    a, b = lesson_cells(py_path), lesson_cells(ipynb_path)
    if a == b:
        return ""
    for i, (cell_a, cell_b) in enumerate(zip(a, b)):
        if cell_a != cell_b:
            return (f"cell {i} differs: {py_path.name} has {cell_a[0]} {cell_a[1][:80]!r}, "
                    f"{ipynb_path.name} has {cell_b[0]} {cell_b[1][:80]!r}; run `make sync`")
    return f"{py_path.name} has {len(a)} cells, {ipynb_path.name} has {len(b)}; run `make sync`"


def test_every_lesson_has_both_files():
    """Each NN_name.py has its NN_name.ipynb and each NN_name.ipynb its NN_name.py."""
    sources = {p.stem for p in LESSON_SOURCES}
    notebooks = {p.stem for p in LESSON_NOTEBOOKS}
    assert sorted(sources - notebooks) == [], "lesson sources without a .ipynb"
    assert sorted(notebooks - sources) == [], "notebooks without a .py source"


@for_each("pair", LESSON_PAIRS, ids=[py.stem for py, _ in LESSON_PAIRS])
def test_lesson_pair_holds_the_same_cells(pair):
    """The .py source and the .ipynb of a lesson hold the same cells."""
    assert cell_mismatch(*pair) == ""


PY_PERCENT = """\
# %% [markdown]
# # A lesson

# %%
x = 1 + 1
print(x)
"""


def write_ipynb(path, cells):
    notebook = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(notebook, str(path))
    return path


def test_pair_check_detects_different_cells(tmp_path):
    """The pair checker accepts a synced pair and reports an edited code cell."""
    py = tmp_path / "01_demo.py"
    py.write_text(PY_PERCENT)
    markdown = nbformat.v4.new_markdown_cell("# A lesson")
    synced = write_ipynb(tmp_path / "01_demo.ipynb", [markdown, nbformat.v4.new_code_cell("x = 1 + 1\nprint(x)")])
    assert cell_mismatch(py, synced) == ""

    edited = write_ipynb(tmp_path / "02_demo.ipynb", [markdown, nbformat.v4.new_code_cell("x = 1 + 2\nprint(x)")])
    assert re.search(r"cell 1 differs: .*'x = 1 \+ 1.*'x = 1 \+ 2", cell_mismatch(py, edited))

    shorter = write_ipynb(tmp_path / "03_demo.ipynb", [markdown])
    assert "01_demo.py has 2 cells, 03_demo.ipynb has 1" in cell_mismatch(py, shorter)


# ---------------------------------------------------------------------------
# Committed notebooks: every code cell executed, no errors


def output_problems(ipynb_path):
    """Code cells that were never executed, that stored an error output, or that
    carry execution timestamps (noise in every diff; `make notebooks` omits them)."""
    notebook = json.loads(Path(ipynb_path).read_text())
    problems = []
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue  # Jupyter does not execute blank code cells
        if cell.get("execution_count") is None:
            problems.append(f"cell {i} was not executed")
        if "execution" in cell.get("metadata", {}):
            problems.append(f"cell {i} carries execution timings, which change on every run")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {i} stored an error: {output.get('ename')}: {output.get('evalue')}")
    return problems


@for_each("notebook", LESSON_NOTEBOOKS, ids=[p.name for p in LESSON_NOTEBOOKS])
def test_committed_notebook_is_executed_without_errors(notebook):
    """Every code cell has run, and none stored an error."""
    assert output_problems(notebook) == [], "re-run `make notebooks` and commit the outputs"


def test_output_check_flags_errors_and_unexecuted_cells(tmp_path):
    """The output checker passes an executed notebook, and flags a notebook
    saved without outputs and one whose outputs hold a traceback."""
    executed = nbformat.v4.new_code_cell("print(1)", execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="1\n")])
    blank = nbformat.v4.new_code_cell("")
    failed = nbformat.v4.new_code_cell("1 / 0", execution_count=2, outputs=[
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero", traceback=[])])
    never_run = nbformat.v4.new_code_cell("print(2)")
    timed = nbformat.v4.new_code_cell("print(3)", execution_count=3, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="3\n")])
    timed.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00Z"}

    assert output_problems(write_ipynb(tmp_path / "ok.ipynb", [executed, blank])) == []
    assert output_problems(write_ipynb(tmp_path / "bad.ipynb", [executed, failed, never_run, timed])) == [
        "cell 1 stored an error: ZeroDivisionError: division by zero",
        "cell 2 was not executed",
        "cell 3 carries execution timings, which change on every run",
    ]


# ---------------------------------------------------------------------------
# The pins install on the oldest python3 a distribution ships

# Debian 12's python3. Every pin must admit it: a release that requires a newer
# 3.11.x (soupsieve 3 and later want 3.11.5) makes `make install` fail there.
OLDEST_PYTHON = "3.11.2"
EXTRAS = ",".join(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])


def test_make_install_installs_every_extra():
    """`make install` (and so the README's two commands) brings every extra."""
    assert f"EXTRAS := {EXTRAS}\n" in (ROOT / "Makefile").read_text()



def test_pins_resolve_for_the_oldest_supported_python():
    """pip resolves the course with constraints.txt for Python 3.11.2, as
    `make install` does on a fresh Debian 12 machine (a dry run: nothing is
    installed, but every pinned release's Requires-Python is checked)."""
    import subprocess
    import sys

    command = [
        sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
        "--disable-pip-version-check", "--python-version", OLDEST_PYTHON, "--only-binary=:all:",
        "-c", str(ROOT / "constraints.txt"), f"{ROOT}[{EXTRAS}]",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stderr.splitlines() if not line.startswith("WARNING")]
    assert done.returncode == 0, "\n".join(errors[-15:])


def test_makefile_installs_the_pinned_pip_first():
    """A distribution's venv brings an old pip (Debian 12: 23.0.1); `make`
    replaces it with the pinned one before resolving the course."""
    makefile = (ROOT / "Makefile").read_text()
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert any(line.startswith("pip==") for line in pins)
    assert "-c constraints.txt pip\n" in makefile
    assert makefile.index("-c constraints.txt pip\n") < makefile.index('-e ".[$(EXTRAS)]"')


# ---------------------------------------------------------------------------
# Lessons as sittings: the form every lesson follows


def lesson_estimate(ipynb_path):
    """(estimated minutes, stated minutes or None): markdown words / 150, plus
    one minute per code cell and three more per widget cell."""
    cells = json.loads(Path(ipynb_path).read_text())["cells"]
    markdown = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = [c for c in cells if c["cell_type"] == "code"]
    widgets = sum(1 for c in code if any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                         for o in c.get("outputs", [])))
    estimate = len(re.findall(r"\w+", markdown)) / 150 + len(code) + 3 * widgets
    stated = re.search(r"\*\*Time\.\*\* About (\d+) minutes", markdown)
    return estimate, int(stated.group(1)) if stated else None


@for_each("notebook", LESSON_NOTEBOOKS, ids=[p.name for p in LESSON_NOTEBOOKS])
def test_lesson_is_one_sitting_and_states_its_time(notebook):
    estimate, stated = lesson_estimate(notebook)
    assert stated is not None, "the opening must say **Time.** About NN minutes."
    assert estimate <= 55, f"about {estimate:.0f} minutes: split the lesson"
    assert abs(stated - estimate) <= 0.2 * estimate, f"states {stated} min, estimate {estimate:.0f}"


@for_each("source", LESSON_SOURCES, ids=[p.name for p in LESSON_SOURCES])
def test_lesson_opens_with_its_plan_and_ends_with_a_summary(source):
    text = source.read_text()
    number = source.name[:2]
    assert re.search(rf"^# # Lesson {number}: ", text, re.M), f"title must be '# Lesson {number}: ...'"
    for part in ("**What you will do.**", "**What you will learn.**", "**What you need.**", "**Time.**"):
        assert part in text
    assert text.index("## Summary") < text.index("## Where next")


@for_each("notebook", LESSON_NOTEBOOKS, ids=[p.name for p in LESSON_NOTEBOOKS])
def test_notebook_names_the_python3_kernel(notebook):
    """Without a kernelspec, JupyterLab asks which kernel to use and rewrites the file."""
    kernelspec = json.loads(Path(notebook).read_text())["metadata"].get("kernelspec", {})
    assert kernelspec.get("name") == "python3", "run `make notebook NB=...`"


@for_each("notebook", LESSON_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_stores_no_widget_state(notebook):
    """A widget's output carries its own HTML player: with stored widget state,
    exported pages would show the widget view instead, which needs scripts from
    the network, and the state of an old run could come back in JupyterLab."""
    metadata = json.loads(Path(notebook).read_text())["metadata"]
    assert "widgets" not in metadata, "run `make notebook NB=...`"


def test_widget_outputs_carry_a_player_and_a_picture():
    """Every widget output holds the HTML player and the first frame as a PNG."""
    seen = 0
    for notebook in LESSON_NOTEBOOKS:
        for cell in json.loads(notebook.read_text())["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "application/vnd.jupyter.widget-view+json" in data:
                    seen += 1
                    assert "gmmlib-static-player" in "".join(data["text/html"]), notebook.stem
                    assert data["image/png"], notebook.stem
    assert seen >= 6


def test_readme_lists_every_lesson_once():
    readme = (ROOT / "README.md").read_text()
    linked = re.findall(r"\]\(notebooks/(\d\d_\w+)\.ipynb\)", readme)
    assert sorted(linked) == [p.stem for p in LESSON_NOTEBOOKS]


# ---------------------------------------------------------------------------
# Exercises: every lesson has checked ones, solutions stored hidden


def exercise_cells(ipynb_path):
    """{checker name: {"attempts": [output text, ...], "solutions": [(hidden, output text), ...]}}
    for every `check_...(...)` call in the lesson's code cells."""
    notebook = json.loads(Path(ipynb_path).read_text())
    found = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        calls = re.findall(r"^(check_\w+)\(", source, re.M)
        if not calls:
            continue
        text = "".join("".join(o.get("data", {}).get("text/plain", o.get("text", "")))
                       for o in cell.get("outputs", []))
        is_solution = "solution" in cell["metadata"].get("tags", [])
        hidden = cell["metadata"].get("jupyter", {}).get("source_hidden", False)
        for name in calls:
            entry = found.setdefault(name, {"attempts": [], "solutions": []})
            if is_solution:
                entry["solutions"].append((hidden, text))
            else:
                entry["attempts"].append(text)
    return found


@for_each("notebook", LESSON_NOTEBOOKS, ids=[p.name for p in LESSON_NOTEBOOKS])
def test_lesson_has_checked_exercises_with_hidden_solutions(notebook):
    """At least two exercises; each is first checked as committed (the skeleton:
    not attempted), then solved in a cell tagged `solution` whose source is hidden
    in JupyterLab and Notebook 7, and whose check passes."""
    exercises = exercise_cells(notebook)
    assert len(exercises) >= 2, f"only {sorted(exercises)}"
    for name, cells in exercises.items():
        assert cells["attempts"], f"{name}: no check of the learner's skeleton"
        assert "not_attempted" in cells["attempts"][0], f"{name}: the committed skeleton must be unattempted"
        assert cells["solutions"], f"{name}: no solution cell tagged 'solution'"
        for hidden, text in cells["solutions"]:
            assert hidden, f"{name}: the solution's source must be hidden (jupyter.source_hidden)"
            assert "✔" in text, f"{name}: the solution does not pass its check"


def test_every_required_exercise_is_in_some_lesson():
    from gmmlib.exercises import EXERCISES

    used = set()
    for notebook in LESSON_NOTEBOOKS:
        used |= set(exercise_cells(notebook))
    unused = {f"check_{name}" for name in EXERCISES} - used
    assert not unused, f"checkers no lesson uses: {sorted(unused)}"


def test_notebook_7_is_installed_as_the_readme_offers():
    """The README offers `.venv/bin/jupyter notebook notebooks/`: make install brings it."""
    import importlib.metadata

    assert int(importlib.metadata.version("notebook").split(".")[0]) >= 7
    assert "jupyter notebook" in (ROOT / "README.md").read_text()
