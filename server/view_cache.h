// Rendered view answers, reused while the views and the reference second are the same:
// least recently used first out, bounded in bytes (keys and bodies).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace wulian::server {

// What the cache of rendered views may hold, keys and bodies together.
inline constexpr size_t kViewCacheBytesMax = 32u << 20;

class ViewCache {
 public:
  explicit ViewCache(size_t bytes_max = kViewCacheBytesMax) : bytes_max_(bytes_max) {}

  std::optional<std::string> Get(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->second;
  }

  // An answer larger than the whole cache is not kept.
  void Put(const std::string& key, const std::string& body) {
    std::lock_guard<std::mutex> lock(mu_);
    Erase(key);
    const size_t size = key.size() + body.size();
    if (size > bytes_max_) return;
    order_.emplace_front(key, body);
    index_.emplace(key, order_.begin());
    bytes_ += size;
    while (bytes_ > bytes_max_) {
      const std::string victim = order_.back().first;
      Erase(victim);
    }
  }

  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }

 private:
  void Erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    bytes_ -= it->second->first.size() + it->second->second.size();
    order_.erase(it->second);
    index_.erase(it);
  }

  const size_t bytes_max_;
  mutable std::mutex mu_;
  std::list<std::pair<std::string, std::string>> order_;  // most recently used first
  std::unordered_map<std::string, std::list<std::pair<std::string, std::string>>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace wulian::server
