#include "base/status.h"

namespace wulian {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidEvent:
      return "INVALID_EVENT";
    case Code::kReferenceError:
      return "REFERENCE_ERROR";
    case Code::kVersionConflict:
      return "VERSION_CONFLICT";
    case Code::kDuplicateId:
      return "DUPLICATE_ID";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case Code::kCorruption:
      return "CORRUPTION";
    case Code::kIOError:
      return "IO_ERROR";
    case Code::kUnavailable:
      return "UNAVAILABLE";
    case Code::kNoSpace:
      return "NO_SPACE";
  }
  return "UNKNOWN";
}

int Status::ExitCode() const {
  switch (code_) {
    case Code::kOk:
      return 0;
    case Code::kInvalidEvent:
    case Code::kReferenceError:
    case Code::kInvalidArgument:
    case Code::kNotFound:
      return 2;
    case Code::kVersionConflict:
    case Code::kDuplicateId:
      return 3;
    case Code::kCorruption:
    case Code::kIOError:
    case Code::kUnavailable:
    case Code::kNoSpace:
      return 1;
  }
  return 1;
}

}  // namespace wulian
