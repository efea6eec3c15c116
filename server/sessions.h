// Signed-in people (SPEC §6.2): sessions held in the server's memory, and the throttle of
// failed sign-ins.
//
// A session is a random 256-bit id sent as the HttpOnly cookie `wl_session`; the server keeps
// only its SHA-256, the person's login, the credential fingerprint of the sign-in (so a
// password change ends it), a CSRF token for clients that cannot rely on `Origin`, and the
// time it was last used. A session unused for the idle time ends. Sessions do not outlive
// the server process: a restart signs everyone out.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace wulian::server {

inline constexpr size_t kSessionsMax = 20'000;  // the oldest is ended beyond this
inline constexpr char kSessionCookie[] = "wl_session";

struct Session {
  std::string login;
  std::string credential;  // Access::SignIn's fingerprint
  std::string csrf;        // hex; sent back by clients in X-CSRF-Token
  int64_t last_used_ms = 0;
};

class Sessions {
 public:
  explicit Sessions(int64_t idle_ms) : idle_ms_(idle_ms) {}
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;

  // Starts a session; returns the cookie value (shown to the client only).
  std::string Create(const std::string& login, const std::string& credential, int64_t now_ms);
  // The session of cookie value `id` if it has not ended; marks it used at `now_ms`.
  std::optional<Session> Use(const std::string& id, int64_t now_ms);
  void End(const std::string& id);
  // Ends every session of `login` (disabled, or its password changed).
  void EndAll(const std::string& login);
  size_t size();

 private:
  void Expire(int64_t now_ms);  // REQUIRES: mu_ held

  static constexpr int64_t kExpireEveryMs = 60 * 1000;
  const int64_t idle_ms_;
  std::mutex mu_;
  int64_t last_expire_ms_ = 0;              // guarded by mu_
  std::map<std::string, Session> by_hash_;  // SHA-256(id) hex → session
};

// Failed sign-ins per key (a login, or a client address): after `free` failures in a row,
// each further attempt waits, doubling from 1 s up to kThrottleWaitMsMax; a key untouched
// for kThrottleForgetMs is forgotten. An attempt counts as a failure from the moment it is
// let through (Begin), so that attempts made at once cannot all pass before the first one
// fails; a success takes it back (Succeed clears a login's key, Undo takes back only the one
// attempt, for a client address, where one person's success must not clear others' failures).
inline constexpr int64_t kThrottleWaitMsMax = 15 * 60 * 1000;
inline constexpr int64_t kThrottleForgetMs = 60 * 60 * 1000;
inline constexpr size_t kThrottleKeysMax = 100'000;

class Throttle {
 public:
  explicit Throttle(int free) : free_(free) {}
  Throttle(const Throttle&) = delete;
  Throttle& operator=(const Throttle&) = delete;

  // Milliseconds until `key` may try again; 0 if it may now.
  int64_t WaitMs(const std::string& key, int64_t now_ms);
  // WaitMs, and if it is 0, the attempt is counted as failed until taken back.
  int64_t Begin(const std::string& key, int64_t now_ms);
  // Takes back one attempt counted by Begin.
  void Undo(const std::string& key);
  void Succeed(const std::string& key);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_ms = 0;
  };
  int64_t WaitLocked(const std::string& key, int64_t now_ms) const;
  void FailLocked(const std::string& key, int64_t now_ms);
  const int free_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace wulian::server
