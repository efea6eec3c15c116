// Who may use the ledger (SPEC §6.2): bearer tokens, people with passwords, and the access
// journal that records both.
//
// A token is a random secret shown once; the ledger keeps only its SHA-256. A person signs in
// with a login and a password; the ledger keeps only an Argon2id hash of the password
// (libsodium's crypto_pwhash_str). Every grant, revocation and change of a person is a line
// of the access journal (DATA/access.jsonl), hash-chained like the event log but separate
// from it, and signed with the ledger's key. The lines, by action:
//   {"seq", "time", "action": "grant", "name", "role", "studios": [...], "tokenHash", "prev",
//    "chain", "signature"}
//   {"seq", "time", "action": "revoke", "name", "prev", "chain", "signature"}
//   {"seq", "time", "action": "person-add", "login", "name", "role", "studios": [...],
//    "passwordHash", "prev", "chain", "signature"}
//   {"seq", "time", "action": "person-update", "login", "name", "role", "studios": [...],
//    "disabled": bool, "prev", "chain", "signature"}
//   {"seq", "time", "action": "person-password", "login", "passwordHash", "prev", "chain",
//    "signature"}
//   {"seq", "time", "action": "seal", "sealed": seq - 1, "prev", "chain", "signature"}
// where chain = SHA-256(prev ‖ the line's bytes up to and without ,"chain":…), prev is the
// previous line's chain (64 zeros for the first), and signature is the hex Ed25519 signature
// by the ledger's key (events/signing.h) of the text
//     "wulian-access-line-v1\n" seq "\n" hex(chain) "\n"
// Every line ends exactly ,"chain":"<64 hex>","signature":"<128 hex>"}, so that no byte of it
// goes unsigned. The current tokens and people are the replay of the journal, which is
// checked whole on every load (each line's signature once per Access: a line whose bytes it
// loaded before is not verified again).
//
// Anchoring. The chain alone shows a changed line, but whoever can write the file could
// rebuild the chain around a forged grant; without the key they cannot sign it. A line with a
// missing or bad signature is Corruption naming the line, and a journal that does not load
// authenticates nobody.
//
// The signed head, AccessHeadPath (DATA/access.jsonl.head), is the one JSON line
//     {"seq", "chain", "signature"}
// naming the journal's last line, signed like a line but over the text
//     "wulian-access-head-v1\n" seq "\n" hex(chain) "\n"
// (so that no line's signature is a head's). It is replaced (temporary file, sync, rename,
// sync of the directory) after each append has synced, and written for seq 0 when an empty
// journal is first loaded. A journal that ends before its head's line, or whose line there
// has another chain, was truncated or rewritten: Corruption. A missing head beside lines is
// Corruption. A head behind the journal is what a crash between an append and its head
// leaves: it is signed anew on load, with a warning.
//
// Journals written before lines were signed (unsigned lines, no head) are refused until an
// admin has reviewed them and vouched for them with a seal (`wulian token seal`: Review, then
// Seal): unsigned lines are accepted only as the journal's first lines, directly followed by a
// signed seal line, whose chain commits to every line before it. Nothing is ever sealed on
// open: a journal that someone without the key wrote whole, unsigned, looks exactly like an
// old one, and only an admin who reads it can tell them apart. A seal, after review, also
// anchors anew a journal whose head is missing or does not match (say, a restored copy).
//
// What the signatures do not protect against: whoever can read the key (beside the journal,
// private to the same owner) can sign any journal. A journal rolled back together with its
// head to an older copy of both (a backup, or a copy taken by someone who could read them)
// is accepted, undoing the revocations, disablings and new passwords written since; keep
// backups as private as the key. A head only detects a journal cut short or replaced alone.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/status.h"
#include "events/signing.h"

namespace wulian {
class JsonDocument;
}  // namespace wulian

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

// The signed head beside the journal at `journal_path`.
std::string AccessHeadPath(const std::string& journal_path);

// What Access::Review finds in a journal that the ledger's key does not vouch for.
struct JournalReview {
  std::string problem;                      // why Open refuses the journal; empty if it does not
  std::vector<std::string> unsigned_lines;  // the unsigned first lines, as History(false)
  uint64_t lines = 0;                       // whole lines in the journal
  std::string chain;                        // hex chain of its last line: what Seal vouches for
};

class Access {
 public:
  // Opens (creating if missing) the journal at `path` and checks its chain, its lines'
  // signatures and its head with `key`'s public key; new lines and heads are signed with
  // `key`. `key` is borrowed and must outlive the Access.
  static Status Open(const std::string& path, const SigningKey& key,
                     std::unique_ptr<Access>* access);

  // Reads the journal as Open does, but reports in *review, instead of refusing, what only a
  // seal can settle: unsigned first lines, a head missing or not matching. A broken chain or
  // a bad signature is still Corruption: no seal mends those.
  static Status Review(const std::string& path, const SigningKey& key, JournalReview* review);
  // Appends a seal line vouching for the journal as it stands and signs its head, if Open
  // refuses it for what Review reports (else InvalidArgument: nothing to seal) and its last
  // chain is still `chain`, the one the admin reviewed (else InvalidArgument). `time` is the
  // seal line's. After OK, Open accepts the journal.
  static Status Seal(const std::string& path, const SigningKey& key, const std::string& chain,
                     const std::string& time);

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
  struct Head;
  // `reviewing`: for Review and Seal, a journal that is not anchored still loads (anchor_).
  Access(std::string path, const SigningKey& key, bool reviewing);
  Status Load();            // REQUIRES: mu_ held
  Status LoadFrom(int fd);  // REQUIRES: mu_ held and the file locked
  // Checks one line (`verified`: its bytes were loaded before, signature and all) and
  // applies it.
  Status Replay(const std::string& line, const std::string& where,
                bool verified);  // REQUIRES: mu_ held
  Status CheckSignature(uint64_t seq, const Hash& chain, const std::optional<Signature>& signature,
                        const std::string& action, bool verified,
                        const std::string& where);  // REQUIRES: mu_ held
  Status Apply(const JsonDocument& doc, const std::string& action, uint64_t seq,
               const std::string& where);  // REQUIRES: mu_ held
  // Why the journal as loaded is not anchored (unsealed lines, its head), or OK; signs the
  // head anew when a crash left it behind.
  Status Anchor();  // REQUIRES: mu_ held and the file locked
  Status ReadHead(Head* head) const;
  Status WriteHead(uint64_t seq, const Hash& chain);  // REQUIRES: the file locked
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
  const std::string head_path_;
  const SigningKey& key_;
  const PublicKey public_key_;
  const bool reviewing_;
  std::mutex mu_;
  std::map<std::string, Live> live_;       // tokens, by name
  std::map<std::string, Account> people_;  // by login
  std::vector<std::string> lines_;
  std::vector<Hash> chains_;  // chains_[i] is line i + 1's
  Hash chain_{};
  uint64_t seq_ = 0;
  uint64_t unsealed_ = 0;     // unsigned first lines that no seal follows yet
  bool signed_seen_ = false;  // a signed line was loaded: every later line is signed
  Status anchor_;             // Anchor's answer at the last load
  int64_t loaded_size_ = -1;  // -1 after a load that failed: the next Reload reads again
};

// Checks a login (1-64 of [A-Za-z0-9_.-]), a display name and a password.
Status CheckLogin(const std::string& login);
Status CheckPassword(const std::string& password);

}  // namespace wulian::server
