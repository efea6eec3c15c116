// Counts of things held by key (connections by client address, live streams by token or
// person), capped in all and per key.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wulian::server {

class Slots {
 public:
  // Takes one for `key` unless that would pass `total_max` in all or `per_key_max` for it.
  bool Take(const std::string& key, int64_t total_max, int64_t per_key_max) {
    std::lock_guard<std::mutex> lock(mu_);
    if (total_ >= total_max) return false;
    auto it = held_.find(key);
    if (it != held_.end() && it->second >= per_key_max) return false;
    if (per_key_max <= 0) return false;
    ++held_[key];
    ++total_;
    return true;
  }
  // Gives back one that Take gave.
  void Give(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(key);
    if (it == held_.end()) return;
    --total_;
    if (--it->second == 0) held_.erase(it);
  }

 private:
  std::mutex mu_;
  int64_t total_ = 0;
  std::unordered_map<std::string, int64_t> held_;  // keys holding at least one
};

}  // namespace wulian::server
