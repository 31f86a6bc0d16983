"""Draws the web app's icons (the favicon's "A" on the header's ink) with Pillow; run it once
after changing the mark: `python -m afterclass.webapp.icons`. The PNGs are committed."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

INK = "#1d2433"
GOLD = "#f0b400"
FOLDER = Path(__file__).resolve().parent / "static" / "webapp"
# The favicon's strokes on its 32-unit grid: the A's two legs and its bar.
LEGS = [(9.0, 23.0), (16.0, 8.0), (23.0, 23.0)]
BAR = [(11.5, 18.0), (20.5, 18.0)]


def draw(size: int, *, maskable: bool) -> Image.Image:
    """A maskable icon fills its square and keeps the mark inside the middle 60% (the safe zone
    every launcher's mask leaves visible); the plain one has rounded corners like the favicon."""
    scale = 4  # drawn large, then reduced, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=INK)
        unit, offset = big * 0.6 / 32, big * 0.2
    else:
        pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=INK)
        unit, offset = big / 32, 0.0
    width = round(3 * unit)

    def at(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(offset + x * unit, offset + y * unit) for x, y in points]

    for line in (at(LEGS), at(BAR)):
        pen.line(line, fill=GOLD, width=width, joint="curve")
        for x, y in (line[0], line[-1]):  # round caps
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=GOLD)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        draw(size, maskable=False).save(FOLDER / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(FOLDER / f"icon-maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
