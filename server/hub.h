// Wakes coroutines waiting for a sequence number to be reached (internal to server/).
//
// A waiter is a steady_timer that never expires on its own; Notify cancels, on the timer's
// own executor, the timers of waiters whose target has been reached. Because the cancel is
// posted to the waiter's strand, it can only run after the waiter is suspended in async_wait.
#pragma once

// clang-format off
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange
// clang-format on
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace wulian::server {

class Hub {
 public:
  struct Waiter {
    explicit Waiter(boost::asio::any_io_executor executor) : timer(executor) {
      timer.expires_at(boost::asio::steady_timer::time_point::max());
    }
    boost::asio::steady_timer timer;
    uint64_t target = 0;
  };

  // Called with the target, outside the hub's lock, whenever a waiter starts waiting for a
  // target not yet reached (the view follower then catches up at once, until it reaches
  // it). Set before any Add.
  void OnWait(std::function<void(uint64_t)> on_wait) { on_wait_ = std::move(on_wait); }

  // Registers `waiter` for `target`; if it is already reached, wakes it at once.
  void Add(const std::shared_ptr<Waiter>& waiter, uint64_t target) {
    waiter->target = target;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (reached_ >= target) {
        Wake(waiter);
        return;
      }
      waiters_.push_back(waiter);
    }
    if (on_wait_) on_wait_(target);
  }

  // Records that `seq` is reached and wakes every waiter whose target is at most `seq`.
  void Notify(uint64_t seq) {
    std::lock_guard<std::mutex> lock(mu_);
    reached_ = std::max(reached_, seq);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      if ((*it)->target <= reached_) {
        Wake(*it);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Forgets `waiter` (after its own timeout).
  void Remove(const std::shared_ptr<Waiter>& waiter) {
    std::lock_guard<std::mutex> lock(mu_);
    waiters_.remove(waiter);
  }

  // Wakes everyone (shutdown).
  void WakeAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& w : waiters_) Wake(w);
    waiters_.clear();
  }

  uint64_t reached() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reached_;
  }

 private:
  static void Wake(const std::shared_ptr<Waiter>& w) {
    boost::asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
  }

  std::function<void(uint64_t)> on_wait_;
  mutable std::mutex mu_;
  uint64_t reached_ = 0;
  std::list<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace wulian::server
