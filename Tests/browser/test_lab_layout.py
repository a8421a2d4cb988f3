"""Figures fit where JupyterLab shows them: a `fit`'s live progress and a Run's figure, in
JupyterLab at 1400 px wide and in a narrower (1280-px) window, both with the file browser open.

A notebook written here trains a small ConvNet for two epochs under a long name (so the
progress line is longer than a panel is wide), shows the run, and plots its test accuracy.
Then, at each width:

- the progress display's title is fully visible: every line of it lies inside the picture
  (its bounding box, measured by the browser in the SVG the cell holds), and the picture
  inside the output area (no horizontal scrolling, not scaled down);
- the Run's figure fits the output area the same way, and its titles lie inside it;
- the plot of a two-epoch run labels its epoch axis 1, 2 (not 1.0, 1.2, … 2.0).

A screenshot of each output is saved as layout-progress-WIDTH.png, layout-run-WIDTH.png and
layout-plot-WIDTH.png in the artifacts folder.
"""

import json
import re
import time

from selenium.webdriver.common.by import By

from conftest import HEIGHT, WIDTH
from test_lab import CELLS_JS, PANEL_JS, wait_for

NAME = "layout.ipynb"
WIDTHS = (1400, 1280)
CELLS = [
    "let data = Digits().split(0.8, seed: 0)",
    # A name as long as the ones people give (the title line was cut on both sides).
    'let run = fit(ConvNet(channels: [4, 8], hidden: 16, classes: 10), on: data, '
    'optimizer: SGD(learningRate: 0.05, momentum: 0.9), epochs: 2, '
    'name: "ConvNet on the 8 × 8 digits, channels 4 and 8, SGD with momentum")',
    "run",
    "plot(run, metric: .testAccuracy)",
]
PROGRESS, RUN, PLOT = 1, 2, 3  # code cell indices of the outputs checked

# The SVG outputs of code cell arguments[1], measured by the browser: each is drawn inline in
# an off-screen element and its titles' bounding boxes taken (getBBox, the same fonts as an
# <img> of it gets), with its viewBox width and its x tick labels.
MEASURE_SVG_JS = "const cells = (function(){" + CELLS_JS + "}).apply(null, [arguments[0]]);" + """
const cell = cells && cells[arguments[1]];
if (!cell) return null;
const out = [];
for (const o of cell.outputs) {
  const svgText = o.data && o.data['image/svg+xml'];
  if (!svgText) continue;
  const host = document.createElement('div');
  host.style.cssText = 'position:absolute; left:-20000px; top:0;';
  document.body.appendChild(host);
  host.innerHTML = Array.isArray(svgText) ? svgText.join('') : svgText;
  const svg = host.querySelector('svg');
  const titles = Array.from(svg.querySelectorAll('text.title, text.figure-title')).map(t => {
    const b = t.getBBox();
    return {text: t.textContent, left: b.x, right: b.x + b.width};
  });
  const ticks = Array.from(svg.querySelectorAll('g.x.ticks text')).map(t => t.textContent);
  out.push({width: svg.viewBox.baseVal.width, titles: titles, xTicks: ticks});
  host.remove();
}
return out;
"""

# The output areas of the code cell arguments[0] on the page that hold an image: their inner
# width and scroll width, and the image's natural and shown width and its right edge against
# the area's.
MEASURE_PAGE_JS = """
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
const cell = nb && nb.querySelectorAll('.jp-Cell.jp-CodeCell')[arguments[0]];
if (!cell) return null;
return Array.from(cell.querySelectorAll('.jp-OutputArea-output'))
  .filter(o => o.querySelector('img'))
  .map(o => {
    const img = o.querySelector('img');
    const a = o.getBoundingClientRect(), b = img.getBoundingClientRect();
    return {areaWidth: o.clientWidth, scrollWidth: o.scrollWidth, natural: img.naturalWidth,
            shown: b.width, overflowRight: b.right - a.right, loaded: img.complete};
  });
"""


def set_width(driver, width):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": HEIGHT, "deviceScaleFactor": 1,
                            "mobile": False})


def write_notebook(root):
    cells = [{"id": f"cell-{i}", "cell_type": "code", "metadata": {}, "execution_count": None,
              "outputs": [], "source": source} for i, source in enumerate(CELLS)]
    nb = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
          "metadata": {"kernelspec": {"name": "tempo", "display_name": "Tempo",
                                      "language": "tempo"}}}
    (root / NAME).write_text(json.dumps(nb))


def run_notebook(lab, driver):
    driver.get(f"{lab['base']}/lab/tree/{NAME}?token={lab['token']}")
    wait_for(driver, "the notebook panel", lambda d: d.execute_script(
        "return !!((function(){" + PANEL_JS + "}).apply(null, arguments))", NAME))
    idle = ("const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
            "const k = p && p.sessionContext.session && p.sessionContext.session.kernel;"
            "return !!k && k.name === 'tempo' && p.sessionContext.kernelDisplayStatus === 'idle';")
    wait_for(driver, "the Tempo kernel to be idle", lambda d: d.execute_script(idle, NAME))
    driver.execute_script(
        "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
        "window.jupyterapp.shell.activateById(p.id);"
        "window.jupyterapp.commands.execute('notebook:run-all-cells');", NAME)

    def finished(d):
        cells = d.execute_script(CELLS_JS, NAME)
        return (cells and all(c["execution_count"] is not None for c in cells)
                and d.execute_script(idle, NAME) and cells)

    cells = wait_for(driver, "every cell to run", finished)
    errors = [(c["index"], o.get("ename"), o.get("evalue")) for c in cells
              for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"error outputs (cell index, ename, evalue): {errors}"
    # Images decode after the outputs land: wait until every one has its size.
    wait_for(driver, "the figures to load", lambda d: all(
        m and all(x["loaded"] and x["natural"] > 0 for x in m)
        for m in (d.execute_script(MEASURE_PAGE_JS, i) for i in (PROGRESS, RUN, PLOT))))


def problems(driver, index, what, width):
    """What is cut, scrolled or shrunk in code cell `index`'s figure at this window width."""
    found = []
    svgs = driver.execute_script(MEASURE_SVG_JS, NAME, index)
    shown = driver.execute_script(MEASURE_PAGE_JS, index)
    assert svgs and shown, f"{what}: no SVG output in cell {index} ({svgs}, {shown})"
    for svg in svgs:
        for t in svg["titles"]:
            if t["left"] < 0 or t["right"] > svg["width"]:
                found.append(f"{what}: title {t['text']!r} runs from {t['left']:.0f} to "
                             f"{t['right']:.0f} px in a picture {svg['width']:.0f} px wide")
    for m in shown:
        if m["scrollWidth"] > m["areaWidth"] or m["overflowRight"] > 0.5:
            found.append(f"{what}: a {m['natural']}-px figure overflows the "
                         f"{m['areaWidth']}-px output area at {width} px")
        elif m["shown"] < m["natural"] - 0.5:
            found.append(f"{what}: shown {m['shown']:.0f} px wide instead of {m['natural']}")
    return found, svgs


def test_figures_fit_the_output_area(lab, driver, artifacts):
    write_notebook(lab["root"])
    failures = []
    try:
        set_width(driver, WIDTHS[0])
        run_notebook(lab, driver)
        for width in WIDTHS:
            set_width(driver, width)
            # JupyterLab lays the page out again on resize: wait for the output area to follow.
            wait_for(driver, f"the layout at {width} px", lambda d: d.execute_script(
                "return window.innerWidth") == width)
            time.sleep(0.5)
            for index, what in ((PROGRESS, "progress"), (RUN, "run"), (PLOT, "plot")):
                found, svgs = problems(driver, index, what, width)
                failures += found
                if index == PLOT:
                    ticks = [t for svg in svgs for t in svg["xTicks"]]
                    if not ticks or not all(re.fullmatch(r"-?\d+", t) for t in ticks):
                        failures.append(f"plot: the epoch axis reads {ticks}, not whole numbers")
                cell = driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) "
                                            ".jp-Cell.jp-CodeCell")[index]
                area = cell.find_element(By.CSS_SELECTOR, ".jp-OutputArea")
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", area)
                area.screenshot(str(artifacts / f"layout-{what}-{width}.png"))
    finally:
        set_width(driver, WIDTH)
    assert not failures, "\n".join(failures)
