"""How fast a course widget follows its slider in a real browser.

Starts JupyterLab (127.0.0.1, a free port, a random token, a temporary copy of
notebooks/, as the browser tests do), runs every lesson that displays a widget
in Chromium (driven by Playwright), and for each widget presses the arrow key
on its slider's handle again and again. Each move is timed in the page, from
the key's keydown event (its ``timeStamp``) to the browser's next animation
frame after the new frame's image is in the page and decoded, i.e. the frame
in which it is painted. Moves to frames not shown before in the page ("first
visit") and to frames already shown ("seen") are reported apart, as median
and max in milliseconds.

    .venv/bin/python bench/browser.py                 # every lesson with a widget
    .venv/bin/python bench/browser.py --lessons 01 08 --moves 30

Chromium is Debian's package (/usr/bin/chromium, or $CHROMIUM).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from jupyter_servers import NO_CHROMIUM, NOTEBOOKS, JupyterServer, find_chromium  # noqa: E402
from pages import Player, guard, open_notebook, run_all, widget_cells  # noqa: E402

# Arms a measurement of the next move of one player: resolves with the
# milliseconds from the next keydown to the animation frame after a new frame
# image is in the page and decoded, or null if none appears within 5 s.
ARM = """(root) => {
  const frames = root.querySelector('.gmmlib-frames');
  const visible = () => Array.from(frames.querySelectorAll('img'))
                             .find(img => img.offsetParent !== null) || null;
  const before = visible();
  const beforeSrc = before ? before.src : null;
  let start = null;
  window.addEventListener('keydown', (event) => { start = event.timeStamp; },
                          {capture: true, once: true});
  window.__gmmMove = new Promise((resolve) => {
    let finished = false;
    const finish = (value) => { if (!finished) { finished = true; observer.disconnect(); resolve(value); } };
    const check = () => {
      const img = visible();
      if (start === null || !img || (img === before && img.src === beforeSrc)) return;
      observer.disconnect();
      img.decode().catch(() => null).then(() => requestAnimationFrame(() => finish(performance.now() - start)));
    };
    const observer = new MutationObserver(check);
    observer.observe(frames, {subtree: true, childList: true, attributes: true});
    setTimeout(() => finish(null), 5000);
  });
}"""


def time_move(page, player, key):
    """Milliseconds until the picture of one arrow-key move is on screen (None: no move)."""
    page.evaluate(ARM, player.root.element_handle())
    page.keyboard.press(key)
    return page.evaluate("() => window.__gmmMove")


def measure(page, player, moves):
    """Arrow-key moves, right from where the slider starts, then back and forth.
    A move to a frame not shown before in the page is a first visit, any other
    move a seen one; moves go on until both kinds have ``moves`` times (or every
    frame has been visited). Returns (first-visit times, seen times, frame count)."""
    low, high = player.bounds()
    n_frames = int(round(high - low)) + 1
    player.focus_slider()
    shown = {player.position()}
    first, seen = [], []
    key = "ArrowRight"
    while len(seen) < moves or (len(first) < moves and len(shown) < n_frames):
        if player.position() >= high:
            key = "ArrowLeft"
        elif player.position() <= low:
            key = "ArrowRight"
        target = player.position() + (1 if key == "ArrowRight" else -1)
        elapsed = time_move(page, player, key)
        if elapsed is None:
            raise RuntimeError(f"no new picture after {key} at {player.position()}")
        (seen if target in shown else first).append(elapsed)
        shown.add(target)
    return first, seen, n_frames


def summary(times):
    if not times:
        return "-"
    return f"{statistics.median(times):.0f} / {max(times):.0f} (n={len(times)})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", nargs="*", default=None,
                        help="lesson numbers or names (default: every lesson with a widget)")
    parser.add_argument("--moves", type=int, default=20,
                        help="moves timed per widget and kind (default 20)")
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        sys.exit(NO_CHROMIUM)
    lessons = [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")) if widget_cells(p)]
    if args.lessons:
        lessons = [p for p in lessons if any(p.stem.startswith(w) for w in args.lessons)]
    if not lessons:
        sys.exit("no lesson with a widget selected")

    from playwright.sync_api import sync_playwright

    rows = []
    started = time.perf_counter()
    with JupyterServer("lab") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        print(f"# Chromium {browser.version}, {os.cpu_count()} cores, "
              f"{platform.python_implementation()} {platform.python_version()}; "
              "milliseconds from keydown to the new picture's animation frame")
        try:
            for lesson in lessons:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(30_000)
                log = guard(page)
                open_notebook(page, server, lesson)
                errors = run_all(page)
                if errors:
                    raise RuntimeError(f"{lesson.name}: {errors}")
                for number, player in enumerate(Player.all_live(page), start=1):
                    label = player.root.locator(".gmmlib-slider .widget-label").inner_text()
                    first, seen, n_frames = measure(page, player, args.moves)
                    rows.append((lesson.stem, f"{number}: {label or 'slider'} ({n_frames} frames)",
                                 summary(first), summary(seen)))
                    print(f"#   {lesson.stem} widget {number} done", file=sys.stderr)
                if log.widget_errors():
                    print(f"# {lesson.stem}: errors in the page: {log.widget_errors()}")
                context.close()
                server.shutdown_sessions(lesson.name)
        finally:
            browser.close()

    print()
    print("| lesson | widget | first visit median / max ms | seen median / max ms |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n# {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
