"""Pictures and PDF files for the demo, drawn by code: nothing is downloaded.

Each picture is a simple illustrated scene (a marked walkway, a hazard sign, a fire exit, a tidy
workstation, ...) whose colours and positions come from a random.Random, so the same seed always
draws the same pixels. The PDFs are one page of text, written by hand as a minimal PDF 1.4.
"""

from __future__ import annotations

import io
import random
import textwrap
from collections.abc import Callable, Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 960, 720
Colour = tuple[int, int, int]
Scene = Callable[[ImageDraw.ImageDraw, random.Random, tuple[str, ...]], None]

SAFETY_YELLOW: Colour = (247, 200, 30)
SAFETY_GREEN: Colour = (20, 140, 70)
FIRE_RED: Colour = (200, 35, 35)
BLACK: Colour = (25, 25, 25)
WHITE: Colour = (250, 250, 248)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _shade(rng: random.Random, colour: Colour, spread: int = 18) -> Colour:
    """The colour a little lighter or darker, as paint and light vary; the hue stays."""
    light = rng.randint(-spread, spread)
    r, g, b = (max(0, min(255, part + light + rng.randint(-4, 4))) for part in colour)
    return (r, g, b)


def _centred(
    draw: ImageDraw.ImageDraw, x: float, y: float, text: str, size: int, fill: Colour
) -> None:
    draw.text((x, y), text, font=_font(size), fill=fill, anchor="mm")


def _floor(draw: ImageDraw.ImageDraw, rng: random.Random, horizon: int) -> None:
    draw.rectangle((0, 0, WIDTH, horizon), fill=_shade(rng, (205, 210, 215)))
    draw.rectangle((0, horizon, WIDTH, HEIGHT), fill=_shade(rng, (150, 152, 150)))


def _racking(draw: ImageDraw.ImageDraw, rng: random.Random, left: int, right: int) -> None:
    upright = _shade(rng, (40, 80, 160))
    beam = _shade(rng, (235, 120, 30))
    draw.rectangle((left, 60, left + 14, 420), fill=upright)
    draw.rectangle((right - 14, 60, right, 420), fill=upright)
    for level in (140, 260, 380):
        draw.rectangle((left, level, right, level + 12), fill=beam)
        x = left + 24
        while x < right - 70:
            width = rng.randint(50, 80)
            box = _shade(rng, (190, 150, 100), 25)
            draw.rectangle((x, level - rng.randint(50, 90), x + width, level - 2), fill=box)
            x += width + rng.randint(8, 20)


def walkway(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A pedestrian walkway between racking, its yellow lines freshly painted."""
    _floor(draw, rng, 420)
    _racking(draw, rng, 20, 300)
    _racking(draw, rng, 660, 940)
    line = _shade(rng, SAFETY_YELLOW, 8)
    draw.polygon([(330, 420), (350, 420), (200, HEIGHT), (150, HEIGHT)], fill=line)
    draw.polygon([(610, 420), (630, 420), (810, HEIGHT), (760, HEIGHT)], fill=line)
    # The pedestrian symbol painted on the floor: head, body, legs.
    draw.ellipse((462, 480, 498, 516), fill=WHITE)
    draw.line([(480, 516), (480, 580)], fill=WHITE, width=14)
    draw.line([(480, 580), (455, 630)], fill=WHITE, width=12)
    draw.line([(480, 580), (505, 630)], fill=WHITE, width=12)
    draw.line([(450, 545), (510, 545)], fill=WHITE, width=10)
    _centred(draw, 480, 675, text[0] if text else "PEDESTRIANS", 30, WHITE)


def hazard_sign(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A yellow warning triangle with a short message below it, on a wall."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (215, 220, 212)))
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=_shade(rng, (120, 125, 130)))
    left, top = 280 + rng.randint(-30, 30), 70 + rng.randint(-20, 20)
    draw.rectangle((left, top, left + 400, top + 470), fill=WHITE, outline=BLACK, width=4)
    apex = (left + 200, top + 30)
    draw.polygon([apex, (left + 40, top + 300), (left + 360, top + 300)], fill=BLACK)
    draw.polygon(
        [(left + 200, top + 62), (left + 72, top + 280), (left + 328, top + 280)],
        fill=SAFETY_YELLOW,
    )
    _centred(draw, left + 200, top + 195, "!", 150, BLACK)
    for number, line in enumerate(text[:2] or ("CAUTION",)):
        _centred(draw, left + 200, top + 350 + number * 60, line, 44, BLACK)


def fire_exit(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A green fire exit sign above a door that is kept clear."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (225, 222, 210)))
    draw.rectangle((0, 600, WIDTH, HEIGHT), fill=_shade(rng, (140, 140, 135)))
    draw.rectangle((340, 270, 620, 600), fill=_shade(rng, (110, 120, 130)), outline=BLACK, width=4)
    draw.rectangle((360, 400, 600, 415), fill=(200, 200, 200))  # the push bar
    sign = _shade(rng, SAFETY_GREEN, 8)
    draw.rectangle((250, 60, 710, 210), fill=sign)
    # A running figure: head, body, limbs; then the door it runs to, and an arrow.
    draw.ellipse((300, 80, 336, 116), fill=WHITE)
    draw.line([(318, 118), (300, 160)], fill=WHITE, width=14)
    draw.line([(300, 160), (270, 195), (260, 190)], fill=WHITE, width=12)
    draw.line([(300, 160), (335, 185), (340, 205)], fill=WHITE, width=12)
    draw.line([(314, 128), (285, 140), (270, 130)], fill=WHITE, width=10)
    draw.line([(314, 128), (345, 145)], fill=WHITE, width=10)
    draw.rectangle((370, 80, 420, 190), outline=WHITE, width=8)
    draw.polygon([(600, 110), (660, 135), (600, 160)], fill=WHITE)
    draw.rectangle((540, 125, 600, 145), fill=WHITE)
    _centred(draw, 480, 240, text[0] if text else "FIRE EXIT", 30, BLACK)
    # Yellow hatching on the floor: the area in front of the door stays clear.
    for x in range(300, 660, 40):
        stripe = [(x, 620), (x + 20, 620), (x + 50, HEIGHT), (x + 30, HEIGHT)]
        draw.polygon(stripe, fill=_line_fill(rng))


def _line_fill(rng: random.Random) -> Colour:
    return _shade(rng, SAFETY_YELLOW, 6)


def workstation(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A tidy desk: screen at eye height, keyboard, chair, cables tied away."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (232, 228, 220)))
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=_shade(rng, (170, 150, 120)))
    desk = _shade(rng, (190, 160, 120))
    draw.rectangle((120, 380, 840, 410), fill=desk)
    draw.rectangle((150, 410, 170, 600), fill=(90, 90, 90))
    draw.rectangle((790, 410, 810, 600), fill=(90, 90, 90))
    draw.rectangle((330, 150, 630, 330), fill=BLACK)
    draw.rectangle((345, 165, 615, 315), fill=_shade(rng, (110, 160, 210)))
    draw.rectangle((465, 330, 495, 380), fill=(60, 60, 60))
    draw.rectangle((360, 350, 600, 375), fill=(210, 210, 210), outline=(120, 120, 120))
    draw.ellipse((640, 355, 670, 378), fill=(210, 210, 210))
    chair = _shade(rng, (50, 70, 110))
    draw.rounded_rectangle((400, 440, 560, 560), radius=18, fill=chair)
    draw.rectangle((470, 560, 490, 640), fill=(60, 60, 60))
    draw.line([(410, 650), (550, 650)], fill=(60, 60, 60), width=10)
    # A plant, and the cable tidy along the back of the desk.
    draw.rectangle((180, 320, 230, 380), fill=(170, 90, 60))
    for offset in (-30, 0, 30):
        draw.ellipse((185 + offset, 260, 225 + offset, 330), fill=_shade(rng, (60, 140, 70)))
    draw.line([(630, 395), (800, 395)], fill=(70, 70, 70), width=6)
    if text:
        _centred(draw, 480, 690, text[0], 28, BLACK)


def charging_area(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """Battery chargers on the wall with a marked, hatched charging bay in front."""
    _floor(draw, rng, 380)
    for number in range(4):
        x = 110 + number * 200
        draw.rectangle((x, 150, x + 140, 330), fill=_shade(rng, (70, 75, 85)), outline=BLACK)
        on = rng.random() < 0.8
        draw.ellipse((x + 55, 175, x + 85, 205), fill=(40, 200, 90) if on else (230, 150, 30))
        draw.line([(x + 70, 330), (x + 70, 380)], fill=BLACK, width=6)
    for x in range(60, 900, 60):
        draw.polygon([(x, 400), (x + 30, 400), (x + 10, 460), (x - 20, 460)], fill=_line_fill(rng))
    draw.rectangle((60, 400, 900, 460), outline=BLACK, width=4)
    _centred(draw, 480, 90, text[0] if text else "BATTERY CHARGING AREA", 40, BLACK)
    _centred(draw, 480, 600, "NO SMOKING  -  GOGGLES ON", 30, FIRE_RED)


def pallet_stack(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """Pallets stacked under a painted maximum-height line."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (210, 212, 208)))
    draw.rectangle((0, 600, WIDTH, HEIGHT), fill=_shade(rng, (140, 140, 140)))
    draw.line([(0, 230), (WIDTH, 230)], fill=FIRE_RED, width=10)
    _centred(draw, 800, 200, text[0] if text else "MAX HEIGHT 1.8 m", 30, FIRE_RED)
    for column in range(3):
        x = 120 + column * 250
        top = 600
        for _layer in range(rng.randint(3, 4)):
            draw.rectangle((x, top - 24, x + 200, top), fill=_shade(rng, (180, 140, 90)))
            wrapped = _shade(rng, (170, 190, 200))
            draw.rectangle((x + 10, top - 110, x + 190, top - 24), fill=wrapped)
            top -= 110
            if top < 260:
                break


def spill_kit(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A yellow spill kit bin by the loading door, labelled."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (200, 205, 210)))
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=_shade(rng, (120, 120, 115)))
    for y in range(120, 540, 40):
        draw.line([(560, y), (900, y)], fill=(150, 155, 160), width=4)  # the roller door
    bin_colour = _shade(rng, SAFETY_YELLOW, 10)
    draw.rounded_rectangle((150, 260, 450, 600), radius=20, fill=bin_colour, outline=BLACK, width=4)
    draw.rectangle((140, 240, 460, 280), fill=_shade(rng, (230, 180, 20)), outline=BLACK)
    _centred(draw, 300, 400, text[0] if text else "SPILL KIT", 44, BLACK)
    _centred(draw, 300, 460, "OIL & CHEMICAL", 26, BLACK)


def extinguisher(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """A fire extinguisher on its wall bracket, with its sign and inspection tag."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (228, 225, 215)))
    draw.rectangle((0, 620, WIDTH, HEIGHT), fill=_shade(rng, (130, 130, 130)))
    draw.rectangle((380, 60, 580, 180), fill=FIRE_RED)
    _centred(draw, 480, 120, text[0] if text else "FIRE POINT", 32, WHITE)
    draw.rounded_rectangle((420, 250, 540, 560), radius=40, fill=_shade(rng, FIRE_RED, 10))
    draw.rectangle((455, 215, 505, 255), fill=BLACK)
    draw.line([(505, 230), (570, 300), (560, 420)], fill=BLACK, width=10)
    draw.rectangle((430, 330, 530, 420), fill=BLACK if rng.random() < 0.5 else WHITE)
    draw.rectangle((560, 300, 620, 380), fill=WHITE, outline=BLACK, width=3)  # inspection tag
    _centred(draw, 590, 340, "OK", 22, SAFETY_GREEN)


def hi_vis_station(draw: ImageDraw.ImageDraw, rng: random.Random, text: tuple[str, ...]) -> None:
    """Hi-vis vests hung on numbered pegs at the entrance to the yard."""
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=_shade(rng, (220, 222, 225)))
    draw.rectangle((60, 150, 900, 175), fill=(120, 90, 60))
    for number in range(6):
        x = 120 + number * 130
        draw.ellipse((x - 8, 165, x + 8, 181), fill=BLACK)
        if rng.random() < 0.85:
            vest = _shade(rng, (240, 230, 40) if number % 2 else (250, 140, 30), 10)
            draw.polygon([(x - 50, 190), (x + 50, 190), (x + 60, 440), (x - 60, 440)], fill=vest)
            draw.rectangle((x - 58, 330, x + 58, 350), fill=(200, 200, 205))
            draw.rectangle((x - 58, 380, x + 58, 400), fill=(200, 200, 205))
        _centred(draw, x, 470, str(number + 1), 24, BLACK)
    _centred(draw, 480, 80, text[0] if text else "HI-VIS BEYOND THIS POINT", 38, BLACK)
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=_shade(rng, SAFETY_GREEN, 10))
    _centred(draw, 480, 630, "Take one, wear it, hang it back", 30, WHITE)


SCENES: dict[str, Scene] = {
    "walkway": walkway,
    "hazard-sign": hazard_sign,
    "fire-exit": fire_exit,
    "workstation": workstation,
    "charging-area": charging_area,
    "pallet-stack": pallet_stack,
    "spill-kit": spill_kit,
    "extinguisher": extinguisher,
    "hi-vis-station": hi_vis_station,
}


def draw_picture(scene: str, rng: random.Random, text: tuple[str, ...] = ()) -> bytes:
    """One scene as a JPEG, the same bytes for the same random state."""
    picture = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    SCENES[scene](ImageDraw.Draw(picture), rng, text)
    output = io.BytesIO()
    picture.save(output, format="JPEG", quality=88)
    return output.getvalue()


# --- PDF ------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 64
LINE_CHARS = 88


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252", errors="replace") + b")"


def make_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A valid one-page PDF 1.4: a bold title, then the lines (wrapped) in Helvetica."""
    content = [
        b"BT",
        b"/F2 20 Tf",
        b"%d %d Td" % (MARGIN, PAGE_HEIGHT - MARGIN - 20),
        _pdf_text(title) + b" Tj",
        b"/F1 11 Tf",
        b"16 TL",
        b"0 -14 Td",
    ]
    for line in lines:
        for part in textwrap.wrap(line, LINE_CHARS) or [""]:
            content.append(b"T* " + _pdf_text(part) + b" Tj")
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title " + _pdf_text(title) + b" /Producer (Afterclass demo) >>",
    ]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    output += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(output)
