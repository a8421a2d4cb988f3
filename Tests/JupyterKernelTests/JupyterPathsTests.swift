import JupyterKernel
import Testing

@Suite("Jupyter paths")
struct JupyterPathsTests {
  @Test("the data directory follows jupyter_core: JUPYTER_DATA_DIR, then XDG_DATA_HOME, then HOME")
  func dataDirectoryPrecedence() {
    let everything = ["JUPYTER_DATA_DIR": "/j", "XDG_DATA_HOME": "/x", "HOME": "/h"]
    #expect(JupyterPaths.dataDirectory(environment: everything) == "/j")
    #expect(JupyterPaths.dataDirectory(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/x/jupyter")
    #expect(JupyterPaths.dataDirectory(environment: ["HOME": "/h"]) == "/h/.local/share/jupyter")
    #expect(HistoryStore.defaultFile(environment: ["HOME": "/h"]).path == "/h/.local/share/jupyter/tempo/history.jsonl")
  }
}
