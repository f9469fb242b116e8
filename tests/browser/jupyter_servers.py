"""Jupyter servers for the browser tests (and bench/browser.py).

A server runs on 127.0.0.1, on a free port, with a random token, on a
temporary copy of notebooks/ (autosave never touches the repository), with
its own settings (notebook windowing off, so that every cell is in the DOM;
no news and no update checks), workspaces and runtime files, all under one
temporary directory that is removed when the server stops.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

NO_CHROMIUM = ("Chromium was not found ($CHROMIUM, or `chromium` on PATH): "
               "install it with `apt-get install chromium`")

# User settings of JupyterLab and Notebook 7 (both read JUPYTERLAB_SETTINGS_DIR).
SETTINGS = {
    # JupyterLab 4 attaches only the cells on screen to the DOM otherwise.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No "would you like news?" popup, no request to jupyter.org.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def find_chromium():
    """The path of a Chromium executable ($CHROMIUM, else `chromium` on PATH), or None."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if candidate and os.access(candidate, os.X_OK):
        return candidate
    return None


def _children(pid):
    """The ids of the processes whose parent is ``pid`` (Linux /proc; else [])."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class JupyterServer:
    """``python -m jupyter lab`` (app="lab") or ``... notebook`` (app="notebook").

    Use it as a context manager; ``url(path)`` gives an address with the token.
    ``notebooks`` is the directory copied into the server's root (default:
    the course's notebooks/).
    """

    def __init__(self, app="lab", notebooks=NOTEBOOKS, startup_timeout=90):
        if app not in ("lab", "notebook"):
            raise ValueError(f"app must be 'lab' or 'notebook', not {app!r}")
        self.app = app
        self.source = Path(notebooks)
        self.startup_timeout = startup_timeout
        self.process = None
        self.tmp = None

    # -- lifetime ----------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix=f"gmm-{self.app}-"))
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self):
        self.root = self.tmp / "notebooks"
        shutil.copytree(self.source, self.root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        # notebooks/jupytext.toml (the pairing) comes with the copy: the front end's
        # jupytext contents manager looks for it only inside the folder it serves.
        settings = self.tmp / "settings"
        for name, values in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        # The user's own Jupyter and IPython configuration, kernels and settings
        # stay out: only this environment's (sys.prefix) and the ones above count.
        env = dict(os.environ,
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
                   JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
                   JUPYTER_DATA_DIR=str(self.tmp / "data"),
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
                   IPYTHONDIR=str(self.tmp / "ipython"))
        self.port = free_port()
        self.token = secrets.token_hex(24)
        command = [sys.executable, "-m", "jupyter", self.app, "--no-browser",
                   "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root}"]
        # window.jupyterapp lets the tests wait for the kernel (not to drive the page).
        app_class = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        command.append(f"--{app_class}.expose_app_in_browser=True")
        if self.app == "lab":
            command.append("--LabApp.news_url=")
        if os.geteuid() == 0:
            command.append("--allow-root")
        self.log_path = self.tmp / "server.log"
        self._log = open(self.log_path, "wb")
        # A process group of its own, which stop() can kill with whatever is left in it.
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                        stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter {self.app} did not answer within "
                                   f"{self.startup_timeout} s:\n" + self.log_tail())
            time.sleep(0.25)

    def stop(self):
        """Shut the server and its kernels down; kill them if they do not stop."""
        process, self.process = self.process, None
        if process is not None:
            kernels = _children(process.pid)
            if process.poll() is None:
                try:
                    request = urllib.request.Request(self.url("api/shutdown"), method="POST")
                    urllib.request.urlopen(request, timeout=10).close()
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
            for pid in [process.pid, *kernels]:     # each leads a process group of its own
                try:
                    os.killpg(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            process.wait()
            self._log.close()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def shutdown_sessions(self, name=None):
        """Shut down the kernels of the notebooks called ``name`` (every one if None)."""
        with urllib.request.urlopen(self.url("api/sessions"), timeout=10) as response:
            sessions = json.load(response)
        for session in sessions:
            if name is None or Path(session["path"]).name == name:
                request = urllib.request.Request(self.url(f"api/sessions/{session['id']}"),
                                                 method="DELETE")
                urllib.request.urlopen(request, timeout=30).close()

    def log_tail(self, lines=40):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # -- addresses ---------------------------------------------------------------

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}/"

    def url(self, path=""):
        separator = "&" if "?" in path else "?"
        return f"{self.base}{path}{separator}token={self.token}"

    def notebook_url(self, name):
        """The address that opens notebooks/<name> in this server's front end."""
        if self.app == "lab":      # a workspace of its own, however many pages are open
            return self.url(f"lab/workspaces/{Path(name).stem}/tree/{name}?reset")
        return self.url(f"notebooks/{name}")
