// The one value type for expected failures in the ledger (SPEC §3.3, §6.1).
//
// A Status is OK or carries a code, a message that says what is wrong and where, and for
// batches the index of the refused event. Callers must look at every Status; a deliberate
// ignore is spelled `status.IgnoreError()` so that it can be found with grep.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>

namespace wulian {

enum class Code {
  kOk,
  kInvalidEvent,     // INVALID_EVENT: judged from the line alone
  kReferenceError,   // REFERENCE_ERROR: depends on the log
  kVersionConflict,  // VERSION_CONFLICT: expectedVersion does not match
  kDuplicateId,      // DUPLICATE_ID: same id, different content
  kNotFound,         // NOT_FOUND: no such event or object
  kInvalidArgument,  // INVALID_ARGUMENT: bad command-line or request argument
  kCorruption,       // CORRUPTION: stored data fails a check
  kIOError,          // IO_ERROR: the storage layer failed
  kUnavailable,      // UNAVAILABLE: cannot be done now (overloaded, degraded); may be retried
  kNoSpace,          // NO_SPACE: the disk of the ledger is full; nothing was written
};

// The stable name of a code, as printed in {"error": {"code": ...}}.
const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;

  static Status OK() { return Status(); }
  static Status InvalidEvent(std::string msg) {
    return Status(Code::kInvalidEvent, std::move(msg));
  }
  static Status ReferenceError(std::string msg) {
    return Status(Code::kReferenceError, std::move(msg));
  }
  static Status VersionConflict(std::string msg) {
    return Status(Code::kVersionConflict, std::move(msg));
  }
  static Status DuplicateId(std::string msg) { return Status(Code::kDuplicateId, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status Corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status NoSpace(std::string msg) { return Status(Code::kNoSpace, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // The position of the refused event in its batch, when the refusal concerns one.
  std::optional<size_t> index() const { return index_; }
  Status WithIndex(size_t index) && {
    index_ = index;
    return std::move(*this);
  }
  // Prefixes the message with where the problem is, e.g. "data.members[2]".
  Status Within(const std::string& where) && {
    message_ = where + ": " + message_;
    return std::move(*this);
  }

  const char* CodeName() const { return wulian::CodeName(code_); }
  // The process exit code of SPEC §6.1 for this status.
  int ExitCode() const;

  void IgnoreError() const {}

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
  std::optional<size_t> index_;
};

}  // namespace wulian
