"""`tempo install`: the kernelspec it writes and where (--prefix, --sys-prefix, --user), and the
papermill translator it adds to a Python environment."""
import json
import os
import subprocess
import venv
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager


def install(tempo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(tempo), "install", *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_kernel_json_matches_the_contract(jupyter_env, kernel_json):
    assert kernel_json["argv"] == [str(jupyter_env.tempo), "kernel", "-f", "{connection_file}"]
    assert Path(kernel_json["argv"][0]).is_absolute()
    assert kernel_json["display_name"] == "Tempo"
    assert kernel_json["language"] == "tempo"
    assert kernel_json["interrupt_mode"] == "message"
    assert kernel_json["kernel_protocol_version"] == "5.5"


def test_the_kernelspec_has_logos_and_is_found_by_jupyter_client(jupyter_env):
    names = {p.name for p in jupyter_env.kernelspec.iterdir()}
    assert {"logo-32x32.png", "logo-64x64.png"} <= names, names
    for logo in ("logo-32x32.png", "logo-64x64.png"):
        assert (jupyter_env.kernelspec / logo).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    spec = KernelSpecManager().get_kernel_spec("tempo")
    assert Path(spec.resource_dir).resolve() == jupyter_env.kernelspec.resolve()
    assert spec.language == "tempo"


def test_a_python_environment_prefix_gets_the_papermill_translator(jupyter_env):
    assert (jupyter_env.site_packages / "tempo_papermill.py").is_file()
    pth = (jupyter_env.site_packages / "tempo_papermill.pth").read_text()
    assert "tempo_papermill" in pth


def test_a_plain_prefix_gets_only_the_kernelspec(jupyter_env, tmp_path):
    result = install(jupyter_env.tempo, "--prefix", str(tmp_path))
    assert result.returncode == 0, result.stderr
    spec = tmp_path / "share" / "jupyter" / "kernels" / "tempo" / "kernel.json"
    assert json.loads(spec.read_text())["language"] == "tempo"
    assert not list(tmp_path.rglob("tempo_papermill*"))
    # …and says exactly what to run to get the translator.
    assert f"run `tempo install --prefix {tmp_path} --python PYTHON`" in result.stdout, result.stdout


def test_python_puts_the_translator_where_papermill_runs_whatever_the_prefix(jupyter_env, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    result = install(jupyter_env.tempo, "--prefix", str(tmp_path / "plain"), "--python", str(env_dir / "bin" / "python"))
    assert result.returncode == 0, result.stderr
    [module] = env_dir.glob("lib/python3.*/site-packages/tempo_papermill.py")
    assert f"Installed papermill's Tempo parameter translator in {module}" in result.stdout
    assert (tmp_path / "plain" / "share" / "jupyter" / "kernels" / "tempo" / "kernel.json").is_file()
    missing = install(jupyter_env.tempo, "--prefix", str(tmp_path / "plain"), "--python", str(tmp_path / "no-python"))
    assert f"'{tmp_path / 'no-python'}' did not run as Python" in missing.stdout


def test_install_twice_replaces_the_kernelspec(jupyter_env, tmp_path):
    for _ in range(2):
        result = install(jupyter_env.tempo, "--prefix", str(tmp_path))
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "share" / "jupyter" / "kernels" / "tempo" / "kernel.json").is_file()


def test_sys_prefix_installs_into_the_active_virtual_environment(jupyter_env, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    env = dict(os.environ, VIRTUAL_ENV=str(env_dir), PATH=f"{env_dir / 'bin'}:{os.environ['PATH']}")
    result = install(jupyter_env.tempo, "--sys-prefix", env=env)
    assert result.returncode == 0, result.stderr
    assert (env_dir / "share" / "jupyter" / "kernels" / "tempo" / "kernel.json").is_file()
    assert list(env_dir.glob("lib/python3.*/site-packages/tempo_papermill.py"))


def test_user_installs_under_the_home_directory(jupyter_env, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")}
    env["HOME"] = str(tmp_path)
    result = install(jupyter_env.tempo, "--user", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / ".local" / "share" / "jupyter" / "kernels" / "tempo" / "kernel.json").is_file()
