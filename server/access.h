// Who may use the ledger (SPEC §6.2): bearer tokens, people with passwords, and the access
// journal that records both.
//
// A token is a random secret shown once; the ledger keeps only its SHA-256. A person signs in
// with a login and a password; the ledger keeps only an Argon2id hash of the password
// (libsodium's crypto_pwhash_str). Every grant, revocation and change of a person is a line
// of the access journal (DATA/access.jsonl), hash-chained like the event log but separate
// from it. The lines, by action:
//   {"seq", "time", "action": "grant", "name", "role", "studios": [...], "tokenHash", "prev",
//   "chain"}
//   {"seq", "time", "action": "revoke", "name", "prev", "chain"}
//   {"seq", "time", "action": "person-add", "login", "name", "role", "studios": [...],
//    "passwordHash", "prev", "chain"}
//   {"seq", "time", "action": "person-update", "login", "name", "role", "studios": [...],
//    "disabled": bool, "prev", "chain"}
//   {"seq", "time", "action": "person-password", "login", "passwordHash", "prev", "chain"}
// where chain = SHA-256(prev ‖ the line's bytes up to and without ,"chain":…), prev is the
// previous line's chain (64 zeros for the first). The current tokens and people are the
// replay of the journal, which is checked whole on every load.
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
  std::string name;  // the token's name or the person's login: the `actor` of its events
  Role role = Role::kAuditor;
  std::vector<std::string> studios;  // recorders: the studios it records for
  std::string display_name;          // people: the name shown; tokens: empty
};

// A person who signs in with a password.
struct Person {
  std::string login;
  std::string name;  // display name, e.g. 督导组 李娟
  Role role = Role::kAuditor;
  std::vector<std::string> studios;  // recorders only
  bool disabled = false;
};

inline constexpr size_t kTokenNameBytesMax = 64;
inline constexpr size_t kTokenStudiosMax = 64;
inline constexpr size_t kLoginBytesMax = 64;
inline constexpr size_t kPersonNameBytesMax = 200;
inline constexpr size_t kPasswordBytesMin = 8;
inline constexpr size_t kPasswordBytesMax = 128;

class Access {
 public:
  // Opens (creating if missing) the journal at `path` and checks its chain.
  static Status Open(const std::string& path, std::unique_ptr<Access>* access);

  // Grants a token; returns its secret, which is never stored. Names are unique among live
  // tokens and people's logins. REQUIRES: studios non-empty exactly for recorders.
  Status Grant(const std::string& name, Role role, const std::vector<std::string>& studios,
               const std::string& time, std::string* secret);
  Status Revoke(const std::string& name, const std::string& time);

  // The principal of a presented secret, compared in constant time with every live token.
  // Re-reads the journal first if another process appended to it.
  std::optional<Principal> Authenticate(const std::string& secret);

  // The live tokens as JSON Lines.
  std::string List();
  // Every journal line as JSON Lines; without `secrets`, password hashes are left out.
  std::string History(bool secrets);

  // Adds a person with `password`, or, when `password` is empty, with a generated one that is
  // returned in *generated (shown once). Logins are unique and are not live token names.
  Status AddPerson(const Person& person, const std::string& password, const std::string& time,
                   std::string* generated);
  // Changes a person's name, role, studios and disabled flag (not the login).
  Status UpdatePerson(const Person& person, const std::string& time);
  // Sets a new password (generated as in AddPerson when `password` is empty).
  Status SetPassword(const std::string& login, const std::string& password, const std::string& time,
                     std::string* generated);
  // The person with `login`, as the journal now says.
  std::optional<Person> FindPerson(const std::string& login);
  std::vector<Person> People();
  // The principal of a person who signs in with `password`. Unknown logins, wrong passwords
  // and disabled people get the same answer, in about the same time. Slow by design (one
  // Argon2id verification); holds no lock while hashing.
  // *credential receives a fingerprint of the password hash, for Current.
  std::optional<Principal> SignIn(const std::string& login, const std::string& password,
                                  std::string* credential);
  // The principal of a signed-in person as the journal now says, if the person still exists,
  // is not disabled and has the same password as at sign-in (`credential`).
  std::optional<Principal> Current(const std::string& login, const std::string& credential);

 private:
  explicit Access(std::string path) : path_(std::move(path)) {}
  Status Load();            // REQUIRES: mu_ held
  Status LoadFrom(int fd);  // REQUIRES: mu_ held and the file locked
  Status Replay(const std::string& line, const std::string& where);  // REQUIRES: mu_ held
  // Re-reads the journal and appends the line `body` builds, all under the file's lock.
  Status Append(const std::function<Status(std::string*)>& body);  // REQUIRES: mu_ held
  Status Reload();  // REQUIRES: mu_ held; re-reads when another process appended

  struct Live {
    Principal principal;
    Hash token_hash;
  };
  struct Account {
    Person person;
    std::string password_hash;
  };
  const std::string path_;
  std::mutex mu_;
  std::map<std::string, Live> live_;       // tokens, by name
  std::map<std::string, Account> people_;  // by login
  std::vector<std::string> lines_;
  Hash chain_{};
  uint64_t seq_ = 0;
  int64_t loaded_size_ = -1;
};

// Checks a login (1-64 of [A-Za-z0-9_.-]), a display name and a password.
Status CheckLogin(const std::string& login);
Status CheckPassword(const std::string& password);

}  // namespace wulian::server
