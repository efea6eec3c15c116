// The supervision policy: the thresholds of the flags and the weights of the yearly score
// (SPEC §5). One JSON file in the ledger directory, `policy.json`, written by `init` with
// these defaults and printed in every report. Changing it changes flags and scores at the
// next query; no rebuild is needed.
#pragma once

#include <cstdint>
#include <string>

#include "events/status.h"

namespace wulian::projections {

struct Policy {
  // INACTIVE and NO_RULES apply to studios licensed more than this many days before R.
  int64_t licensed_days = 90;
  // INACTIVE: no activity with occurredAt in [R − inactive_window_days, R].
  int64_t inactive_window_days = 90;
  // OVERDUE_CASES: a case opened more than this many days before R is still open.
  int64_t overdue_case_days = 30;
  // LATE_RECORDING: of the activity in [R − late_window_days, R], at least late_min_events
  // events, more than late_percent % recorded more than late_delay_days after it occurred.
  int64_t late_window_days = 90;
  int64_t late_min_events = 5;
  int64_t late_percent = 20;
  int64_t late_delay_days = 7;
  // Yearly score points for each member listed on the earning event.
  int64_t contact_points = 1;
  int64_t consultation_points = 2;
  int64_t research_points = 3;  // a consultation of form `research`
  int64_t suggestion_points = 2;
  int64_t case_resolved_points = 3;       // to each member listed on the CaseOpened
  int64_t suggestion_adopted_points = 3;  // to each member listed on the submission

  std::string ToJson() const;
  static Status FromJson(std::string_view json, Policy* policy);
  // Reads `path`; a missing file gives the defaults.
  static Status Load(const std::string& path, Policy* policy);
  // Writes `path` with the defaults unless it exists.
  static Status WriteDefault(const std::string& path);
};

}  // namespace wulian::projections
