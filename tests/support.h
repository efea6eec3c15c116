// Test support: temporary directories and a ledger in one, with JSON-line appends.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "events/codec.h"
#include "events/store.h"

namespace wulian::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "wulian-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// What a shell `command` prints on stdout (its stderr is dropped).
inline std::string Stdout(const std::string& command) {
  std::string out;
  std::FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  char buf[65536];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  pclose(pipe);
  return out;
}

inline constexpr char kNow[] = "2025-06-30T12:00:00+08:00";

// A ledger in a temporary directory, with the clock fixed at kNow unless changed.
class TestLedger {
 public:
  TestLedger() { Reopen(); }

  void Reopen() {
    ledger_.reset();
    OpenOptions options;
    options.create_if_missing = true;
    Status s = Ledger::Open(dir_.path() + "/db", options, &ledger_);
    EXPECT_TRUE(s.ok()) << s.message();
  }

  // Appends the events of `lines` as one atomic batch.
  Status Append(const std::vector<std::string>& lines,
                std::vector<AppendResult>* results = nullptr) {
    Submissions batch;
    for (const auto& line : lines) {
      Status s = codec_.ParseLine(line, false, &batch);
      if (!s.ok()) return s;
    }
    AppendOptions options;
    options.now_micros = *ParseInstant(now_);
    std::vector<AppendResult> ignored;
    return ledger_->Append(batch, options, results ? results : &ignored);
  }
  Status Append(const std::string& line, std::vector<AppendResult>* results = nullptr) {
    return Append(std::vector<std::string>{line}, results);
  }

  void Close() { ledger_.reset(); }
  Ledger& ledger() { return *ledger_; }
  const std::string& dir() const { return dir_.path(); }
  std::string db_dir() const { return dir_.path() + "/db"; }
  void set_now(const std::string& now) { now_ = now; }

 private:
  TempDir dir_;
  Codec codec_;
  std::unique_ptr<Ledger> ledger_;
  std::string now_ = kNow;
};

// One event line: {"id", "type", "occurredAt", "data"}.
inline std::string Event(const std::string& id, const std::string& type, const std::string& data,
                         const std::string& occurred = "2025-03-01T09:30:00+08:00",
                         const std::string& extra = "") {
  return "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"occurredAt\":\"" + occurred + "\"" +
         extra + ",\"data\":" + data + "}";
}

// Committees C1 and LIA, members M1..M3, studio S01 (locality, lead M1) and S02 (industry).
inline std::vector<std::string> Registry() {
  return {
      Event("r1", "CommitteeRegistered",
            R"({"committee":"C1","name":"经济委","supervises":false})"),
      Event("r2", "CommitteeRegistered",
            R"({"committee":"LIA","name":"联络委","supervises":true})"),
      Event("r3", "MemberRegistered",
            R"({"member":"M1","name":"张三","sector":"经济界","committees":["C1"]})"),
      Event("r4", "MemberRegistered",
            R"({"member":"M2","name":"李四","sector":"农业界","committees":["C1"]})"),
      Event("r5", "MemberRegistered",
            R"({"member":"M3","name":"王五","sector":"教育界","committees":[]})"),
      Event(
          "r6", "StudioLicensed",
          R"({"studio":"S01","name":"鱼洞街道委员工作室","linkType":"locality","leadMember":"M1","committee":"C1","partyOrg":"鱼洞街道党工委","town":"鱼洞街道","batch":1,"licensedOn":"2024-11-08"})"),
      Event(
          "r7", "StudioLicensed",
          R"({"studio":"S02","name":"商贸物流委员工作室","linkType":"industry","leadMember":"M2","committee":"C1","partyOrg":"区商务委党组","batch":1,"licensedOn":"2024-11-08"})"),
  };
}

}  // namespace wulian::testing
