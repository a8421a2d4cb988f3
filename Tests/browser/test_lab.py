"""JupyterLab in headless Chromium runs the tour notebook on the Tempo kernel.

What a person would see: the notebook opens with the Tempo kernel, Run > Run All Cells runs
every code cell, every cell gets an execution count, outputs appear, no cell shows an error
(unless it is tagged `raises-exception`, as nbclient and JupyterLab understand it), and the
kernel is idle afterwards. A screenshot of the final state is saved in the artifacts folder.
"""

import json
import math
import os
import time
import urllib.request

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = float(os.environ.get("TEMPO_BROWSER_TIMEOUT", "180"))


def api(lab, path):
    with urllib.request.urlopen(f"{lab['base']}{path}?token={lab['token']}", timeout=10) as r:
        body = r.read()
        return json.loads(body) if r.headers.get_content_type() == "application/json" else body


# The notebook panel whose file is arguments[0] (the app is exposed by
# --LabApp.expose_app_in_browser); null until it exists.
PANEL_JS = """
const app = window.jupyterapp;
if (!app) return null;
for (const w of app.shell.widgets('main')) {
  if (w.context && w.context.path === arguments[0] && w.content && w.sessionContext) return w;
}
return null;
"""

# Per code cell, from the cell models: source, tags, execution count, nbformat outputs.
CELLS_JS = "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);" + """
if (!p) return null;
const out = [];
const cells = p.content.model.cells;
for (let i = 0; i < cells.length; i++) {
  const c = cells.get(i);
  if (c.type !== 'code') continue;
  out.push({index: i, source: c.sharedModel.getSource(),
            tags: c.getMetadata('tags') || [],
            execution_count: c.executionCount,
            outputs: c.outputs.toJSON()});
}
return out;
"""

# Per code cell, from the page: the prompt text and, per output area, its text and whether it
# shows an image. Rendered cells are addressed by index each time: they are re-rendered while
# they run, so element references go stale.
DOM_JS = """
const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
if (!nb) return null;
return Array.from(nb.querySelectorAll('.jp-Cell.jp-CodeCell')).map(c => ({
  prompt: (c.querySelector('.jp-InputPrompt') || {textContent: ''}).textContent.trim(),
  outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => ({
    mime: o.getAttribute('data-mime-type') || '',
    text: o.textContent.trim(),  // not innerText: off-screen cells are not laid out
    image: !!o.querySelector('img, svg, canvas')}))}));
"""

STATUS_BAR_JS = """
const e = document.querySelector('.jp-StatusBar-TextItem[title^="Change kernel"]');
return e ? e.textContent.trim() : '';
"""


def wait_for(driver, what, cond, timeout=TIMEOUT):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(cond)
    except TimeoutException:
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}") from None


def server_kernels(lab):
    return [k for k in api(lab, "/api/kernels") if k["name"] == "tempo"]


def test_kernelspec_is_served_with_logos(lab):
    specs = api(lab, "/api/kernelspecs")["kernelspecs"]
    assert "tempo" in specs, f"kernelspecs seen by the server: {sorted(specs)}"
    spec = specs["tempo"]["spec"]
    assert spec["display_name"].startswith("Tempo"), spec
    assert spec["language"].lower() == "tempo", spec
    resources = specs["tempo"]["resources"]
    for size in ("32x32", "64x64"):
        url = resources.get(f"logo-{size}")
        assert url, f"logo-{size}.png not installed; resources: {resources}"
        png = api(lab, url)
        assert png[:8] == b"\x89PNG\r\n\x1a\n", f"{url} is not a PNG"
        w, h = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert f"{w}x{h}" == size, f"{url} is {w}x{h}"
    assert resources.get("logo-svg"), f"logo-svg.svg not installed; resources: {resources}"


def test_run_all_cells_in_jupyterlab(lab, driver, artifacts):
    run_all_cells(driver, lab, f"{lab['base']}/lab/tree/{lab['notebook']}?token={lab['token']}",
                  artifacts / "lab-final.png", status_bar=True)


def run_all_cells(driver, server, url, shot, status_bar):
    """Opens the server's notebook at `url` (JupyterLab or Notebook 7: both expose the app as
    window.jupyterapp), runs all cells through the Run All command, checks what a person would
    see and saves a screenshot to `shot`. `status_bar`: the client has JupyterLab's status bar
    ("Tempo | Idle"); Notebook 7 has none, so only the session's status is checked there."""
    name = server["notebook"]
    with open(server["root"] / name) as f:
        saved = json.load(f)
    assert saved["metadata"]["kernelspec"]["name"] == "tempo", saved["metadata"]["kernelspec"]

    t0 = time.time()
    driver.get(url)
    wait_for(driver, "the notebook to render",
             lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel .jp-Notebook .jp-Cell"))
    wait_for(driver, "window.jupyterapp and the notebook panel",
             lambda d: d.execute_script("return !!((function(){" + PANEL_JS
                                        + "}).apply(null, arguments))", name))
    # The kernel is started and idle: the session's kernel is tempo, the status bar reads
    # "Tempo | Idle", and the server reports it idle with a websocket connection.
    wait_for(driver, "the session's kernel to be tempo and idle", lambda d: d.execute_script(
        "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
        "const k = p && p.sessionContext.session && p.sessionContext.session.kernel;"
        "return !!k && k.name === 'tempo' && p.sessionContext.kernelDisplayStatus === 'idle';",
        name))
    if status_bar:
        wait_for(driver, "the status bar to read '... | Idle'",
                 lambda d: d.execute_script(STATUS_BAR_JS).endswith("| Idle"))
    wait_for(driver, "the server to report the kernel idle and connected",
             lambda d: any(k["execution_state"] == "idle" and k["connections"] > 0
                           for k in server_kernels(server)))
    opened = time.time() - t0

    # Start from a clean slate (a notebook saved with outputs would otherwise look finished),
    # then Run > Run All Cells through the same command the menu item runs.
    t1 = time.time()
    driver.execute_script(
        "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
        "window.jupyterapp.shell.activateById(p.id);"
        "return window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');", name)
    cells = driver.execute_script(CELLS_JS, name)
    assert all(not c["outputs"] and c["execution_count"] is None for c in cells), cells
    to_run = [c["index"] for c in cells if c["source"].strip()]
    assert to_run, "the notebook has no code to run"
    driver.execute_script(
        "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
        "window.jupyterapp.shell.activateById(p.id);"
        "window.jupyterapp.commands.execute('notebook:run-all-cells');", name)

    def finished(d):
        cells = d.execute_script(CELLS_JS, name)
        dom = d.execute_script(DOM_JS)
        if cells is None or dom is None or len(dom) != len(cells):
            return False
        if any(c["execution_count"] is None for c in cells if c["index"] in to_run):
            return False
        if any(x["prompt"] in ("[*]:", "[ ]:") for x, c in zip(dom, cells)
               if c["index"] in to_run):
            return False
        return (cells, dom) if d.execute_script(
            "const p = (function(){" + PANEL_JS + "}).apply(null, arguments);"
            "return p.sessionContext.kernelDisplayStatus === 'idle';", name) else False

    try:
        cells, dom = wait_for(driver, "every code cell to run and the kernel to be idle",
                              finished)
    except AssertionError:
        state = driver.execute_script(CELLS_JS, name) or []
        pending = [(c["index"], c["source"][:60]) for c in state
                   if c["index"] in to_run and c["execution_count"] is None]
        errors = [(c["index"], o.get("ename"), o.get("evalue")) for c in state
                  for o in c["outputs"] if o["output_type"] == "error"]
        raise AssertionError(f"cells that never ran (cell index, source): {pending}; "
                             f"error outputs (cell index, ename, evalue): {errors}") from None
    ran = time.time() - t1
    # Let late output messages (after the execute_reply) land before the final look.
    time.sleep(0.5)
    cells = driver.execute_script(CELLS_JS, name)
    dom = driver.execute_script(DOM_JS)

    driver.save_screenshot(str(shot))
    print(f"opened in {opened:.1f}s, ran {len(to_run)} cells in {ran:.1f}s; screenshot {shot}")

    # Execution counts: a fresh kernel numbers the cells it ran 1, 2, 3, ... in order.
    counts = [c["execution_count"] for c in cells if c["index"] in to_run]
    assert counts == list(range(1, len(counts) + 1)), f"execution counts {counts}"

    # No error output, except in cells tagged raises-exception.
    errors = [(c["index"], o.get("ename"), o.get("evalue"))
              for c in cells for o in c["outputs"]
              if o["output_type"] == "error" and "raises-exception" not in c["tags"]]
    assert not errors, f"error outputs (cell index, ename, evalue): {errors}"
    stderr = [(c["index"], o["text"][:200]) for c in cells for o in c["outputs"]
              if o["output_type"] == "stream" and o["name"] == "stderr"
              and "raises-exception" not in c["tags"]]

    # Outputs appear on the page: every output in a cell model is rendered, with text or an
    # image; and at least as many cells have output as in the saved notebook (when it was saved
    # with outputs), else at least three quarters of the cells that ran.
    for c, x in zip(cells, dom):
        assert len(x["outputs"]) >= len(c["outputs"]) > 0 or not c["outputs"], (c, x)
        for o in x["outputs"]:
            assert o["text"] or o["image"], f"empty output area in cell {c['index']}: {x}"
    with_output = [c["index"] for c, x in zip(cells, dom) if x["outputs"]]
    saved_with_output = [i for i, c in enumerate(saved["cells"])
                         if c["cell_type"] == "code" and c.get("outputs")]
    missing = sorted(set(saved_with_output) - set(with_output))
    assert not missing, f"cells with output in the saved notebook but none now: {missing}"
    need = len(saved_with_output) or math.ceil(len(to_run) * 3 / 4)
    assert len(with_output) >= need, \
        f"{len(with_output)} cells with output, expected at least {need}: {dom}"

    # The kernel is idle, for the page and for the server.
    if status_bar:
        assert driver.execute_script(STATUS_BAR_JS).endswith("| Idle")
    ks = server_kernels(server)
    assert len(ks) == 1 and ks[0]["execution_state"] == "idle", ks
    if stderr:
        print(f"stderr output (not an error): {stderr}")


def test_launcher_shows_tempo_with_its_logo(lab, driver, artifacts):
    """File > New Launcher: the Notebook and Console sections each have a Tempo card showing
    the kernelspec's logo (an <img> that loaded)."""
    if not driver.current_url.startswith(lab["base"]):
        driver.get(f"{lab['base']}/lab?token={lab['token']}")
    wait_for(driver, "window.jupyterapp", lambda d: d.execute_script(
        "return !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('launcher:create'))"))
    driver.execute_script("window.jupyterapp.commands.execute('launcher:create');")
    cards = wait_for(driver, "Tempo launcher cards with a loaded logo", lambda d: d.execute_script(
        "const cs = Array.from(document.querySelectorAll("
        "  '.jp-Launcher:not(.lm-mod-hidden) .jp-LauncherCard'))"
        "  .filter(c => c.innerText.trim().startsWith('Tempo'));"
        "const ok = cs.filter(c => { const i = c.querySelector('img');"
        "  return i && i.complete && i.naturalWidth > 0; });"
        "return ok.length >= 2 ? ok.map(c => c.querySelector('img').getAttribute('src')) : null;"))
    assert all("/kernelspecs/tempo/logo" in src for src in cards), cards
    driver.save_screenshot(str(artifacts / "lab-launcher.png"))
