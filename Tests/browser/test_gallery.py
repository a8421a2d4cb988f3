"""Every chart kind Tempo draws shows up in headless Chromium the way JupyterLab shows an
`image/svg+xml` output: as an `<img>`. The charts come from `$TEMPO_BIN docs gallery`; a PNG of
each is saved in the artifacts folder as gallery-NAME.png.

A failure names the chart and says why: the SVG does not load as an image (malformed XML gives
an image 0 pixels wide), the browser console has errors, or the picture is blank. A failure of
test_committed_gallery_is_current means docs/gallery is stale: run `make docs`.
"""

import os
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "gallery"
TIMEOUT = float(os.environ.get("TEMPO_BROWSER_TIMEOUT", "180"))
MIN_CHARTS = 12
MIN_INK = 0.02     # fraction of pixels that are not white
MIN_COLOURS = 3    # distinct colours in the picture
WHITE_TOLERANCE = 8  # a channel within this of 255 still counts as white

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{name}</title>
<style>html, body {{ margin: 0; padding: 16px; background: #ffffff; }}
img {{ display: block; }}</style></head>
<body><img id="chart" src="{name}.svg" alt="{name}"></body></html>
"""


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    """The folder `$TEMPO_BIN docs gallery` writes, generated once for this module."""
    tempo = os.environ.get("TEMPO_BIN")
    if not tempo or not os.access(tempo, os.X_OK):
        pytest.fail(f"TEMPO_BIN must name the tempo executable (got {tempo!r})", pytrace=False)
    out = tmp_path_factory.mktemp("gallery")
    res = subprocess.run([tempo, "docs", "gallery", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, (f"`tempo docs gallery {out}` exited {res.returncode}:\n"
                                 f"{res.stdout[-2000:]}\n{res.stderr[-2000:]}")
    return out


def svg_names(folder):
    return sorted(p.stem for p in folder.glob("*.svg"))


# --- PNG decoding with the standard library (no Pillow in the venv) ---------------------------

def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data):
    """(width, height, pixels) of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium's
    screenshots are); pixels is a list of (r, g, b) tuples, alpha composited on white."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour)
    assert depth == 8 and channels and not interlace, (
        f"unsupported PNG: bit depth {depth}, colour type {colour}, interlace {interlace}")
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    prev = bytearray(stride)
    pixels = []
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                row[i] = (row[i] + row[i - channels]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                row[i] = (row[i] + prev[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = row[i - channels] if i >= channels else 0
                up_left = prev[i - channels] if i >= channels else 0
                row[i] = (row[i] + _paeth(left, prev[i], up_left)) & 0xFF
        else:
            assert kind == 0, f"bad PNG filter type {kind} in row {y}"
        for i in range(0, stride, channels):
            r, g, b = row[i], row[i + 1], row[i + 2]
            if channels == 4 and row[i + 3] != 255:
                a = row[i + 3]
                r, g, b = (((v * a) + 255 * (255 - a)) // 255 for v in (r, g, b))
            pixels.append((r, g, b))
        prev = row
    return width, height, pixels


def ink_and_colours(pixels):
    """The fraction of pixels that are not white, and the number of distinct colours."""
    white = 255 - WHITE_TOLERANCE
    ink = sum(1 for p in pixels if min(p) < white)
    return ink / max(len(pixels), 1), len(set(pixels))


# --- the tests --------------------------------------------------------------------------------

def render_chart(driver, page, name):
    """Opens page, waits for the image to load; returns (naturalWidth, naturalHeight, console
    errors, the <img> element)."""
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(page.as_uri())
    img = driver.find_element(By.ID, "chart")
    try:
        WebDriverWait(driver, TIMEOUT, poll_frequency=0.05).until(
            lambda d: d.execute_script("return arguments[0].complete", img))
    except TimeoutException:
        raise AssertionError(f"{name}.svg: timed out after {TIMEOUT:.0f}s loading the image") \
            from None
    w, h = driver.execute_script(
        "return [arguments[0].naturalWidth, arguments[0].naturalHeight]", img)
    severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return w, h, severe, img


def test_every_chart_kind_renders_as_an_image(gallery, driver, artifacts):
    names = svg_names(gallery)
    assert len(names) >= MIN_CHARTS, (
        f"`tempo docs gallery` wrote {len(names)} SVGs ({names}); expected at least "
        f"{MIN_CHARTS}, one per chart kind")

    failures, report = [], []
    for name in names:
        page = gallery / f"{name}.html"
        page.write_text(PAGE.format(name=name))
        w, h, severe, img = render_chart(driver, page, name)
        if not (w > 0 and h > 0):
            failures.append(f"{name}.svg: does not load as an image (natural size {w}x{h}); "
                            "is it well-formed XML with width, height and viewBox?")
            continue
        png = img.screenshot_as_png
        shot = artifacts / f"gallery-{name}.png"
        shot.write_bytes(png)
        if severe:
            failures.append(f"{name}.svg: browser console errors: {severe}")
        pw, ph, pixels = decode_png(png)
        ink, colours = ink_and_colours(pixels)
        report.append(f"{name}: {w}x{h}, screenshot {pw}x{ph}, {ink:.1%} ink, "
                      f"{colours} colours")
        if ink < MIN_INK or colours < MIN_COLOURS:
            failures.append(f"{name}.svg looks blank in {shot}: {ink:.1%} of pixels are not "
                            f"white (need at least {MIN_INK:.0%}) and it has {colours} distinct "
                            f"colours (need at least {MIN_COLOURS})")
    print("\n".join(report))
    assert not failures, (f"{len(failures)} of {len(names)} charts do not render:\n  "
                          + "\n  ".join(failures))


def test_committed_gallery_is_current(gallery):
    fresh, committed = svg_names(gallery), svg_names(COMMITTED)
    fix = "run `make docs` to regenerate docs/gallery"
    assert fresh == committed, (
        f"{fix}: docs/gallery has different charts; missing "
        f"{sorted(set(fresh) - set(committed))}, extra {sorted(set(committed) - set(fresh))}")
    files = [f"{n}.svg" for n in fresh] + ["README.md"]
    stale = [f for f in files
             if not (COMMITTED / f).is_file()
             or (gallery / f).read_bytes() != (COMMITTED / f).read_bytes()]
    assert not stale, f"{fix}: these files differ from what `tempo docs gallery` writes: {stale}"
