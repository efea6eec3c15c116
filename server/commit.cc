#include "server/commit.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "base/time.h"

namespace wulian::server {

GroupCommitter::GroupCommitter(Ledger& ledger, Metrics& metrics,
                               std::function<void(uint64_t)> committed)
    : ledger_(ledger),
      metrics_(metrics),
      committed_(std::move(committed)),
      thread_([this] { Loop(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void GroupCommitter::Submit(std::shared_ptr<Request> request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(request));
  }
  cv_.notify_one();
}

// Takes whatever has queued up while the previous group was being synced: the longer a sync
// takes, the larger the next group, with no timer in between.
void GroupCommitter::Loop() {
  for (;;) {
    std::vector<std::shared_ptr<Request>> group;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      while (!queue_.empty() && group.size() < kGroupRequestsMax) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Submissions*> batches;
    for (auto& r : group) batches.push_back(&r->submissions);
    AppendOptions options;
    options.now_micros = SystemNowMicros() / 1000 * 1000;
    std::vector<std::string> actors;
    for (auto& r : group) actors.push_back(r->actor);
    std::vector<Status> statuses;
    std::vector<std::vector<AppendResult>> results;
    Status s;
    try {
      s = ledger_.AppendGroup(batches, options, &statuses, &results, &actors);
    } catch (const std::exception& x) {
      // A bug or an exhausted resource below: this group is refused (nothing of it was
      // acknowledged), the thread goes on with the next.
      spdlog::error("group commit: {}", x.what());
      s = Status::Unavailable("the append could not be completed; retry");
    }
    metrics_.sync_batches.fetch_add(1);
    metrics_.group_requests.Observe(static_cast<double>(group.size()));
    for (size_t i = 0; i < group.size(); ++i) {
      group[i]->status = s.ok() ? std::move(statuses[i]) : s;
      if (group[i]->status.ok()) {
        group[i]->results = std::move(results[i]);
        metrics_.appended_events.fetch_add(group[i]->results.size());
      } else {
        metrics_.refused_requests.fetch_add(1);
      }
    }
    const uint64_t head = ledger_.GetHead().seq;
    metrics_.head_seq.store(head);
    committed_(head);
    for (auto& r : group) r->done();
  }
}

}  // namespace wulian::server
