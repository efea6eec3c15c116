// The single writer of the server (internal to server/): concurrent appends are grouped into
// one Ledger::AppendGroup — one synced write — and each request is answered after that sync.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "events/store.h"
#include "server/metrics.h"

namespace wulian::server {

// Requests taken into one group at most.
inline constexpr size_t kGroupRequestsMax = 512;

class GroupCommitter {
 public:
  struct Request {
    Submissions submissions;
    std::string actor;
    Status status;
    std::vector<AppendResult> results;
    // Called on the writer thread once the request is decided (after the sync if accepted).
    std::function<void()> done;
  };

  // `committed` is called on the writer thread with the new head after every group.
  GroupCommitter(Ledger& ledger, Metrics& metrics, std::function<void(uint64_t)> committed);
  ~GroupCommitter();  // drains the queue, then stops
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void Submit(std::shared_ptr<Request> request);

 private:
  void Loop();

  Ledger& ledger_;
  Metrics& metrics_;
  std::function<void(uint64_t)> committed_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Request>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wulian::server
