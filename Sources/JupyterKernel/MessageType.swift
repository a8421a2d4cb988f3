/// Every `msg_type` string the kernel reads or writes, in one place.
public enum MessageType: String, Sendable, CaseIterable {
  // Requests and replies (shell, control).
  case executeRequest = "execute_request"
  case executeReply = "execute_reply"
  case kernelInfoRequest = "kernel_info_request"
  case kernelInfoReply = "kernel_info_reply"
  case completeRequest = "complete_request"
  case completeReply = "complete_reply"
  case inspectRequest = "inspect_request"
  case inspectReply = "inspect_reply"
  case isCompleteRequest = "is_complete_request"
  case isCompleteReply = "is_complete_reply"
  case historyRequest = "history_request"
  case historyReply = "history_reply"
  case commInfoRequest = "comm_info_request"
  case commInfoReply = "comm_info_reply"
  case shutdownRequest = "shutdown_request"
  case shutdownReply = "shutdown_reply"
  case interruptRequest = "interrupt_request"
  case interruptReply = "interrupt_reply"
  // Comms (shell, no reply; iopub).
  case commOpen = "comm_open"
  case commMessage = "comm_msg"
  case commClose = "comm_close"
  // IOPub.
  case status
  case executeInput = "execute_input"
  case stream
  case displayData = "display_data"
  case updateDisplayData = "update_display_data"
  case executeResult = "execute_result"
  case error
  case clearOutput = "clear_output"
  case iopubWelcome = "iopub_welcome"
  // Stdin.
  case inputRequest = "input_request"
  case inputReply = "input_reply"
}

/// The five sockets of a kernel.
public enum Channel: String, Sendable, CaseIterable {
  case shell, control, stdin, iopub, heartbeat
}
