"""The animated GIFs at the top of README.md: the 1-D and 2-D EM steppers of
lessons 01 and 03 (same data, same start), one frame per half-step.

    make gifs        # writes images/em_1d.gif and images/em_2d.gif
"""

from pathlib import Path

from gmmlib.datasets import THREE_BLOBS_2D, THREE_BUMPS_1D, three_blobs_2d, three_bumps_1d
from gmmlib.widgets import em_stepper

OUT = Path(__file__).resolve().parent.parent / "images"


def main():
    OUT.mkdir(exist_ok=True)
    x, _ = three_bumps_1d(n_samples=300, seed=0)
    one = em_stepper(x, 3, seed=0, reference=THREE_BUMPS_1D)
    # The first iterations move most; the rest are shown every fourth half-step.
    steps = [*range(0, 12), *range(12, one.slider.max, 4), one.slider.max]
    one.save_gif(OUT / "em_1d.gif", steps, interval=450)
    X, _ = three_blobs_2d(n_samples=500, seed=0)
    two = em_stepper(X, 3, seed=0, reference=THREE_BLOBS_2D)
    two.save_gif(OUT / "em_2d.gif", interval=450)
    for name in ("em_1d.gif", "em_2d.gif"):
        print(f"{OUT / name}: {(OUT / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
