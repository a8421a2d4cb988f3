"""Fixtures for the browser tests: a private JupyterLab server (and, for the tests that ask, a
Jupyter Notebook 7 server) with the Tempo kernelspec installed by `$TEMPO_BIN install --prefix`,
and a headless Chromium driven by Selenium.

The server and browser set-up is adapted from shared/tools/lab_screenshot.py (the project's
tool for screenshots of JupyterLab in headless Chromium on Debian bookworm).

Environment:
  TEMPO_BIN               the tempo executable (required)
  TEMPO_BROWSER_NOTEBOOK  the notebook to run (default: notebooks/00-tour.ipynb); its folder is
                          copied, so the original is never touched
  TEMPO_BROWSER_ARTIFACTS folder for screenshots and the server log (default: a new temp folder)
  TEMPO_BROWSER_TIMEOUT   seconds for each wait in the page (default: 180)
  CHROMIUM, CHROMEDRIVER  the browser and its driver (default: found on PATH, /usr/bin/...)

Needs: apt-get install chromium chromium-driver; pip install -r requirements-browser.txt
(selenium, notebook) into the project venv, which also holds jupyterlab (requirements-dev.txt).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 1280, 1000


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _find_exe(name, env_var, *fallbacks):
    exe = os.environ.get(env_var) or shutil.which(name)
    if not exe:
        exe = next((f for f in fallbacks if os.path.exists(f)), None)
    if not exe:
        pytest.fail(f"{name} not found (set {env_var}); install it with "
                    "`apt-get install chromium chromium-driver`", pytrace=False)
    return exe


def _jupyter_exe(name, package):
    """`name` (jupyter-lab, jupyter-notebook) of the venv this pytest runs in, else the
    project venv's, else PATH."""
    for d in (Path(sys.executable).parent, REPO / ".venv" / "bin"):
        if (d / name).exists():
            return str(d / name)
    exe = shutil.which(name)
    if not exe:
        pytest.fail(f"{name} not found: `make test-browser` installs {package} into .venv",
                    pytrace=False)
    return exe


@pytest.fixture(scope="session")
def artifacts():
    d = os.environ.get("TEMPO_BROWSER_ARTIFACTS")
    path = Path(d) if d else Path(tempfile.mkdtemp(prefix="tempo-browser-"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def notebook_path():
    nb = Path(os.environ.get("TEMPO_BROWSER_NOTEBOOK", REPO / "notebooks" / "00-tour.ipynb"))
    if not nb.is_file():
        pytest.fail(f"notebook {nb} does not exist", pytrace=False)
    return nb


def _serve(kind, work, notebook_path, artifacts):
    """A Jupyter server of `kind` ("lab": JupyterLab, "notebook": Jupyter Notebook 7) that
    sees only the freshly installed Tempo kernelspec (and the venv's own python3), with a copy
    of the notebook's folder as its root. A generator: yields a dict with base url, token,
    root, notebook name and log path, and stops the server (and its kernels) when closed."""
    tempo = os.environ.get("TEMPO_BIN")
    if not tempo or not os.access(tempo, os.X_OK):
        pytest.fail(f"TEMPO_BIN must name the tempo executable (got {tempo!r})", pytrace=False)

    prefix = work / "prefix"
    res = subprocess.run([tempo, "install", "--prefix", str(prefix)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, f"tempo install failed:\n{res.stdout}\n{res.stderr}"
    spec_dir = prefix / "share" / "jupyter" / "kernels" / "tempo"
    assert (spec_dir / "kernel.json").is_file(), f"no kernel.json in {spec_dir}: {res.stdout}"

    root = work / "root"
    shutil.copytree(notebook_path.parent, root)
    # Private Jupyter folders: no user config, data, kernelspecs or workspaces leak in, and the
    # "get notified about news?" toast is off.
    jdirs = {k: work / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                                           "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR",
                                           "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR")}
    for d in jdirs.values():
        d.mkdir()
    notif = jdirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True)
    (notif / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, JUPYTER_PATH=str(prefix / "share" / "jupyter"),
               JUPYTER_PLATFORM_DIRS="1", **{k: str(v) for k, v in jdirs.items()})

    port = _free_port()
    token = "tempo-" + os.urandom(12).hex()
    if kind == "lab":
        cmd = [_jupyter_exe("jupyter-lab", "jupyterlab"),
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               # window.jupyterapp: lets the test run JupyterLab commands and read the cell models
               "--LabApp.expose_app_in_browser=True"]
    else:
        cmd = [_jupyter_exe("jupyter-notebook", "notebook"),
               "--JupyterNotebookApp.expose_app_in_browser=True"]
    cmd += ["--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = artifacts / ("jupyter-lab.log" if kind == "lab" else "jupyter-notebook.log")
    log = open(log_path, "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                              cwd=str(root), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        t0 = time.time()
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2).read()
                break
            except Exception:
                if server.poll() is not None or time.time() - t0 > 90:
                    pytest.fail(f"jupyter {kind} did not start; see {log_path}:\n"
                                + log_path.read_text()[-3000:], pytrace=False)
                time.sleep(0.2)
        yield {"base": base, "token": token, "root": root, "notebook": notebook_path.name,
               "log": log_path, "spec_dir": spec_dir}
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)  # the server and its kernels (own session)
            server.wait(15)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
        log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory, notebook_path, artifacts):
    """A JupyterLab server (see `_serve`)."""
    yield from _serve("lab", tmp_path_factory.mktemp("lab"), notebook_path, artifacts)


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory, notebook_path, artifacts):
    """A Jupyter Notebook 7 server (see `_serve`), started only by the tests that ask for it."""
    yield from _serve("notebook", tmp_path_factory.mktemp("notebook7"), notebook_path, artifacts)


@pytest.fixture(scope="session")
def driver(artifacts):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    o = Options()
    o.binary_location = _find_exe("chromium", "CHROMIUM", "/usr/bin/chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={WIDTH},{HEIGHT}", "--hide-scrollbars", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions"):
        o.add_argument(arg)
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # An explicit driver path keeps Selenium Manager from trying to download one.
    service = Service(_find_exe("chromedriver", "CHROMEDRIVER", "/usr/bin/chromedriver"),
                      log_output=str(artifacts / "chromedriver.log"))
    d = webdriver.Chrome(service=service, options=o)
    # --window-size is the outer window in new headless; force the viewport exactly.
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield d
    finally:
        d.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed test: a screenshot of the page, the browser console and the server log's
    tail, all in the artifacts folder, named in the failure report."""
    outcome = yield
    rep = outcome.get_result()
    if rep.when != "call" or not rep.failed:
        return
    d = item.funcargs.get("driver")
    art = item.funcargs.get("artifacts")
    if d is None or art is None:
        return
    lines = []
    shot = art / f"FAILED-{item.name}.png"
    try:
        d.save_screenshot(str(shot))
        lines.append(f"screenshot: {shot}")
    except Exception as e:  # the browser may be gone
        lines.append(f"no screenshot: {e}")
    try:
        console = art / f"FAILED-{item.name}-console.txt"
        console.write_text("\n".join(f"{e['level']} {e['message']}" for e in d.get_log("browser")))
        lines.append(f"browser console: {console}")
    except Exception:
        pass
    for fixture in ("lab", "notebook7"):
        server = item.funcargs.get(fixture)
        if server is not None:
            lines.append(f"server log: {server['log']}\n" + server["log"].read_text()[-2500:])
    rep.sections.append(("browser artifacts", "\n".join(lines)))
