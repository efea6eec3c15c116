#include "server/sessions.h"

#include <openssl/rand.h>

#include <algorithm>

#include "base/hash.h"

namespace wulian::server {
namespace {

std::string RandomHex() {
  uint8_t random[32];
  if (RAND_bytes(random, sizeof random) != 1) return "";
  return HexOf(random, sizeof random);
}

}  // namespace

std::string Sessions::Create(const std::string& login, const std::string& credential,
                             int64_t now_ms) {
  const std::string id = RandomHex();
  std::lock_guard<std::mutex> lock(mu_);
  Expire(now_ms);
  if (by_hash_.size() >= kSessionsMax) {
    auto oldest = std::min_element(by_hash_.begin(), by_hash_.end(), [](auto& a, auto& b) {
      return a.second.last_used_ms < b.second.last_used_ms;
    });
    by_hash_.erase(oldest);
  }
  by_hash_[ToHex(Sha256(id))] = Session{login, credential, RandomHex(), now_ms};
  return id;
}

std::optional<Session> Sessions::Use(const std::string& id, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_hash_.find(ToHex(Sha256(id)));
  if (it == by_hash_.end()) return std::nullopt;
  if (now_ms - it->second.last_used_ms > idle_ms_) {
    by_hash_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now_ms;
  return it->second;
}

void Sessions::End(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  by_hash_.erase(ToHex(Sha256(id)));
}

void Sessions::EndAll(const std::string& login) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(by_hash_, [&](const auto& entry) { return entry.second.login == login; });
}

size_t Sessions::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return by_hash_.size();
}

void Sessions::Expire(int64_t now_ms) {
  // A sweep costs a pass over every session: at most one a minute (Use ends idle ones anyway).
  if (now_ms - last_expire_ms_ < kExpireEveryMs && by_hash_.size() < kSessionsMax) return;
  last_expire_ms_ = now_ms;
  std::erase_if(by_hash_,
                [&](const auto& entry) { return now_ms - entry.second.last_used_ms > idle_ms_; });
}

int64_t Throttle::WaitLocked(const std::string& key, int64_t now_ms) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.failures < free_) return 0;
  const int doublings = std::min(it->second.failures - free_, 20);
  const int64_t wait = std::min<int64_t>(int64_t{1000} << doublings, kThrottleWaitMsMax);
  return std::max<int64_t>(0, it->second.last_ms + wait - now_ms);
}

void Throttle::FailLocked(const std::string& key, int64_t now_ms) {
  if (entries_.size() >= kThrottleKeysMax) {
    std::erase_if(entries_,
                  [&](const auto& e) { return now_ms - e.second.last_ms > kThrottleForgetMs; });
  }
  if (entries_.size() >= kThrottleKeysMax && !entries_.count(key)) return;
  Entry& e = entries_[key];
  if (now_ms - e.last_ms > kThrottleForgetMs) e.failures = 0;
  ++e.failures;
  e.last_ms = now_ms;
}

int64_t Throttle::WaitMs(const std::string& key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  return WaitLocked(key, now_ms);
}

int64_t Throttle::Begin(const std::string& key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t wait = WaitLocked(key, now_ms);
  if (wait == 0) FailLocked(key, now_ms);
  return wait;
}

void Throttle::Undo(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  if (--it->second.failures <= 0) entries_.erase(it);
}

void Throttle::Succeed(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(key);
}

}  // namespace wulian::server
