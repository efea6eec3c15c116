// Bearer tokens and the access journal (SPEC §6.2).
//
// A token is a random secret shown once; the ledger keeps only its SHA-256. Every grant and
// revocation is a line of the access journal (DATA/access.jsonl), hash-chained like the
// event log but separate from it:
//   {"seq", "time", "action": "grant"|"revoke", "name", "role", "studios": [...],
//    "tokenHash", "prev", "chain"}
// where chain = SHA-256(prev ‖ the line's bytes up to and without ,"chain":…), prev is the
// previous line's chain (64 zeros for the first). The current tokens are the replay of the
// journal, which is checked whole on every load.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "events/hash.h"
#include "events/status.h"

namespace wulian::server {

enum class Role { kRecorder, kSupervisor, kAuditor, kAdmin };

const char* RoleName(Role role);
std::optional<Role> RoleFromName(std::string_view name);

// Who a request acts as.
struct Principal {
  std::string name;
  Role role = Role::kAuditor;
  std::vector<std::string> studios;  // recorders: the studios it records for
};

inline constexpr size_t kTokenNameBytesMax = 64;
inline constexpr size_t kTokenStudiosMax = 64;

class Tokens {
 public:
  // Opens (creating if missing) the journal at `path` and checks its chain.
  static Status Open(const std::string& path, std::unique_ptr<Tokens>* tokens);

  // Grants a token; returns its secret, which is never stored. Names are unique among live
  // tokens. REQUIRES: studios non-empty exactly for recorders.
  Status Grant(const std::string& name, Role role, const std::vector<std::string>& studios,
               const std::string& time, std::string* secret);
  Status Revoke(const std::string& name, const std::string& time);

  // The principal of a presented secret, compared in constant time with every live token.
  // Re-reads the journal first if another process appended to it.
  std::optional<Principal> Authenticate(const std::string& secret);

  // The live tokens, or with history every journal line, as JSON Lines.
  std::string List(bool history);

 private:
  explicit Tokens(std::string path) : path_(std::move(path)) {}
  Status Load();            // REQUIRES: mu_ held
  Status LoadFrom(int fd);  // REQUIRES: mu_ held and the file locked
  // Re-reads the journal and appends the line `body` builds, all under the file's lock.
  Status Append(const std::function<Status(std::string*)>& body);  // REQUIRES: mu_ held

  struct Live {
    Principal principal;
    Hash token_hash;
  };
  const std::string path_;
  std::mutex mu_;
  std::map<std::string, Live> live_;  // by name
  std::vector<std::string> lines_;
  Hash chain_{};
  uint64_t seq_ = 0;
  int64_t loaded_size_ = -1;
};

}  // namespace wulian::server
