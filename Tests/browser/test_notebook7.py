"""Jupyter Notebook 7 in headless Chromium runs the tour notebook on the Tempo kernel, as
test_lab.py does in JupyterLab: the notebook opens with the Tempo kernel, Run All runs every
code cell in order, outputs appear, no cell shows an error and the kernel is idle afterwards.
Notebook 7 is built from JupyterLab's parts, so the same checks apply, except its status bar,
which it does not have. A screenshot of the final state is saved as notebook7-final.png.
"""

from test_lab import run_all_cells


def test_run_all_cells_in_notebook7(notebook7, driver, artifacts):
    run_all_cells(
        driver, notebook7,
        f"{notebook7['base']}/notebooks/{notebook7['notebook']}?token={notebook7['token']}",
        artifacts / "notebook7-final.png", status_bar=False)
