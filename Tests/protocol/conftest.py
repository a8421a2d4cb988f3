"""A private Jupyter environment with Tempo installed in it, shared by the protocol tests.

Once per session, `tempo install --prefix P` installs the kernelspec into a fresh virtual
environment P (a Python environment, so the papermill translator goes into its site-packages
too), and JUPYTER_PATH, JUPYTER_DATA_DIR, JUPYTER_RUNTIME_DIR, JUPYTER_CONFIG_DIR and IPYTHONDIR
point into the session's temporary directory. The tests therefore need no global install, and
the kernel's history files never touch the user's own Jupyter data directory.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

# The test modules import protocol_helpers from this folder, also under --import-mode=importlib.
sys.path.insert(0, str(Path(__file__).parent))

from protocol_helpers import KERNEL_NAME, start_kernel, stop_kernel  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
# Every test here talks to a subprocess; none may hang the suite.
DEFAULT_TIMEOUT = 120


def tempo_binary() -> Path:
    path = Path(os.environ.get("TEMPO_BIN", ".build/release/tempo"))
    if not path.is_absolute():
        path = (Path.cwd() / path) if (Path.cwd() / path).exists() else REPO / path
    return path.resolve()


@dataclass
class JupyterEnv:
    tempo: Path
    root: Path
    prefix: Path
    python: Path
    site_packages: Path
    kernelspec: Path
    data_dir: Path


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEFAULT_TIMEOUT))


def _make_prefix(prefix: Path) -> Path:
    """A virtual environment that also sees this interpreter's packages (papermill, jupyter_client).

    The extra .pth sorts before the translator's own .pth, so papermill is importable by the time
    the translator registers itself."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(prefix)
    site_packages = Path(
        sysconfig.get_path("purelib", vars={"base": str(prefix), "platbase": str(prefix)})
    )
    assert site_packages.is_dir(), site_packages
    parent = [sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    (site_packages / "00_tempo_tests_parent_env.pth").write_text("\n".join(dict.fromkeys(parent)) + "\n")
    return site_packages


@pytest.fixture(scope="session", autouse=True)
def jupyter_env(tmp_path_factory) -> JupyterEnv:
    tempo = tempo_binary()
    if not tempo.exists():
        pytest.fail(f"TEMPO_BIN {tempo} does not exist; build it with `swift build -c release`")
    root = tmp_path_factory.mktemp("jupyter")
    prefix = root / "prefix"
    site_packages = _make_prefix(prefix)
    installed = subprocess.run(
        [str(tempo), "install", "--prefix", str(prefix)], capture_output=True, text=True, timeout=60
    )
    assert installed.returncode == 0, f"tempo install failed:\n{installed.stdout}\n{installed.stderr}"
    kernelspec = prefix / "share" / "jupyter" / "kernels" / KERNEL_NAME
    assert (kernelspec / "kernel.json").is_file(), f"no kernel.json in {kernelspec}: {installed.stdout}"

    data_dir = root / "data"
    settings = {
        "JUPYTER_PATH": str(prefix / "share" / "jupyter"),
        "JUPYTER_DATA_DIR": str(data_dir),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "IPYTHONDIR": str(root / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in settings.items():
            mp.setenv(name, value)
        mp.delenv("JUPYTER_CONFIG_PATH", raising=False)
        yield JupyterEnv(
            tempo=tempo,
            root=root,
            prefix=prefix,
            python=prefix / "bin" / "python",
            site_packages=site_packages,
            kernelspec=kernelspec,
            data_dir=data_dir,
        )


@pytest.fixture
def kernel(jupyter_env):
    """A fresh Tempo kernel and a connected, ready BlockingKernelClient."""
    km, kc = start_kernel()
    yield km, kc
    stop_kernel(km, kc)


@pytest.fixture(scope="session")
def kernel_json(jupyter_env) -> dict:
    return json.loads((jupyter_env.kernelspec / "kernel.json").read_text())

