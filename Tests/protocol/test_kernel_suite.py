"""jupyter_kernel_test's acceptance suite (12 KernelTests + the IOPub welcome test), every attribute set."""
import jupyter_kernel_test


class TempoKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "tempo"
    language_name = "tempo"
    file_extension = ".tempo"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'warn("careful")'

    completion_samples = [
        {"text": "pri", "matches": {"print"}},
        {"text": "sq", "matches": {"sqrt"}},
        {"text": "Double.p", "matches": {"pi"}},
    ]
    complete_code_samples = ['print("hi")', "let x = 1", "for i in 0..<3 {\n  print(i)\n}"]
    incomplete_code_samples = ["for i in 0..<3 {", "func f() {", "let a = [1,\n  [2,", 'let s = "abc']
    invalid_code_samples = ["let x = )", "let = 5", "print(1))"]

    code_page_something = "print?"
    code_generate_error = "undefinedName"
    # test_history searches for code_history_pattern, a glob: "1?2*" matches "1+2" only (not
    # "1 + 2"), which the unique search then expects to find exactly once.
    code_execute_result = [
        {"code": "1+2", "result": "3"},
        {"code": "1 + 2", "result": "3"},
        {"code": "[1, 2].map { $0 * 10 }", "result": "[10, 20]"},
        {"code": '["lr": 0.1]', "result": '["lr": 0.1]'},
    ]
    code_display_data = [{"code": "show([1, 2])", "mime": "text/plain"}]
    code_history_pattern = "1?2*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
    code_clear_output = "clear()"


class TempoIopubWelcomeTests(jupyter_kernel_test.IopubWelcomeTests):
    kernel_name = "tempo"
    support_iopub_welcome = True
