#include "server/access.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

#include "base/assert.h"
#include "events/codec.h"

namespace wulian::server {
namespace {

constexpr char kChainField[] = ",\"chain\":\"";
constexpr char kSignatureField[] = "\",\"signature\":\"";  // closes the chain's string
constexpr char kLineEnd[] = "\"}";
// The first lines of what a line's and a head's signatures sign (access.h).
constexpr char kLineKind[] = "wulian-access-line-v1\n";
constexpr char kHeadKind[] = "wulian-access-head-v1\n";
// A head is one short line ({"seq", "chain", "signature"}: under 250 bytes); a longer file
// is not one.
constexpr size_t kHeadBytesMax = 512;

Hash ChainOf(const Hash& prev, const std::string& body) {
  return Sha256(std::string(reinterpret_cast<const char*>(prev.data()), prev.size()) + body);
}

// What the signature of a line or a head (`kind`) with `seq` and `chain` signs.
std::string SignedText(const char* kind, uint64_t seq, const Hash& chain) {
  return kind + std::to_string(seq) + "\n" + ToHex(chain) + "\n";
}

// Whether `tail`, a line from its ,"chain": on, is exactly `chain`, then a signature or
// not; *signature receives the signature, or nullopt for an unsigned line.
bool ParseTail(std::string_view tail, const Hash& chain, std::optional<Signature>* signature) {
  const std::string chained = kChainField + ToHex(chain);
  signature->reset();
  if (tail == chained + kLineEnd) return true;
  const std::string prefix = chained + kSignatureField;
  const size_t hex_bytes = 2 * kSignatureBytes;
  Signature parsed;
  if (tail.size() != prefix.size() + hex_bytes + sizeof kLineEnd - 1 ||
      tail.substr(0, prefix.size()) != prefix || !tail.ends_with(kLineEnd) ||
      !FromHex(tail.substr(prefix.size(), hex_bytes), parsed.data(), parsed.size())) {
    return false;
  }
  *signature = parsed;
  return true;
}

// A journal line without its password hash, if it has one.
std::string WithoutPasswordHash(const std::string& line) {
  static constexpr char kHashField[] = ",\"passwordHash\":\"";
  const size_t at = line.find(kHashField);
  if (at == std::string::npos) return line;
  const size_t end = line.find('"', at + sizeof kHashField - 1);
  return line.substr(0, at) + line.substr(end + 1);
}

// Syncs the directory that holds `path`, so that a rename into it lasts.
bool SyncDirectory(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// An exclusive lock on the journal file for the life of the object.
class FileLock {
 public:
  explicit FileLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0 && flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

int64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

std::string StudioList(const std::vector<std::string>& studios) {
  std::string list = "[";
  for (size_t i = 0; i < studios.size(); ++i) list += (i ? "," : "") + JsonString(studios[i]);
  return list + "]";
}

bool IsPlainText(const std::string& text, size_t max) {
  if (text.empty() || text.size() > max || !IsValidUtf8(text)) return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Status CheckScope(Role role, const std::vector<std::string>& studios) {
  if ((role == Role::kRecorder) != !studios.empty() || studios.size() > kTokenStudiosMax) {
    return Status::InvalidArgument("a recorder needs 1-64 studios; other roles take none");
  }
  for (const auto& studio : studios) {
    if (studio.empty() || studio.size() > 64 ||
        studio.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
            std::string::npos) {
      return Status::InvalidArgument("a studio is 1-64 of [A-Za-z0-9_.-]");
    }
  }
  return Status::OK();
}

// Argon2id at libsodium's "interactive" cost: about 0.1 s and 64 MiB per hash.
Status HashPassword(const std::string& password, std::string* hash) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Status::IOError("out of memory hashing a password");
  }
  *hash = out;
  return Status::OK();
}

bool PasswordMatches(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A new password: 4 groups of 4 characters that cannot be mistaken for each other (~78 bits).
std::string GeneratePassword() {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i && i % 4 == 0) out += '-';
    out += kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)];
  }
  return out;
}

// A hash that no password matches in practice, verified for unknown logins so that they
// take as long as known ones.
const std::string& DecoyHash() {
  static const std::string decoy = [] {
    std::string hash;
    uint8_t random[32];
    randombytes_buf(random, sizeof random);
    HashPassword(HexOf(random, sizeof random), &hash).IgnoreError();
    return hash;
  }();
  return decoy;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kRecorder:
      return "recorder";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : {Role::kRecorder, Role::kSupervisor, Role::kAuditor, Role::kAdmin}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

Status CheckLogin(const std::string& login) {
  if (login.empty() || login.size() > kLoginBytesMax ||
      login.find_first_not_of(
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") !=
          std::string::npos) {
    return Status::InvalidArgument("a login is 1-64 of [A-Za-z0-9_.-]");
  }
  return Status::OK();
}

Status CheckPassword(const std::string& password) {
  if (password.size() < kPasswordBytesMin || password.size() > kPasswordBytesMax ||
      !IsValidUtf8(password) || password.find('\0') != std::string::npos) {
    return Status::InvalidArgument("a password is 8-128 bytes of text");
  }
  return Status::OK();
}

std::string AccessHeadPath(const std::string& journal_path) { return journal_path + ".head"; }

struct Access::Head {
  uint64_t seq = 0;
  Hash chain{};
  Signature signature{};
};

Access::Access(std::string path, const SigningKey& key, bool reviewing)
    : path_(std::move(path)),
      head_path_(AccessHeadPath(path_)),
      key_(key),
      public_key_(key.public_key()),
      reviewing_(reviewing) {}

Status Access::Open(const std::string& path, const SigningKey& key,
                    std::unique_ptr<Access>* access) {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot start");
  std::unique_ptr<Access> a(new Access(path, key, /*reviewing=*/false));
  std::lock_guard<std::mutex> lock(a->mu_);
  Status s = a->Load();
  if (!s.ok()) return s;
  *access = std::move(a);
  return Status::OK();
}

Status Access::Review(const std::string& path, const SigningKey& key, JournalReview* review) {
  std::unique_ptr<Access> a(new Access(path, key, /*reviewing=*/true));
  std::lock_guard<std::mutex> lock(a->mu_);
  Status s = a->Load();
  if (!s.ok()) return s;
  review->problem = a->anchor_.ok() ? "" : a->anchor_.message();
  review->unsigned_lines.clear();
  for (uint64_t i = 0; i < a->unsealed_; ++i) {
    review->unsigned_lines.push_back(WithoutPasswordHash(a->lines_[i]));
  }
  review->lines = a->seq_;
  review->chain = ToHex(a->chain_);
  return Status::OK();
}

Status Access::Seal(const std::string& path, const SigningKey& key, const std::string& chain,
                    const std::string& time) {
  std::unique_ptr<Access> a(new Access(path, key, /*reviewing=*/true));
  std::lock_guard<std::mutex> lock(a->mu_);
  Status s = a->Append([&](std::string* body) {
    if (a->anchor_.ok()) return Status::InvalidArgument(path + " is anchored: nothing to seal");
    if (ToHex(a->chain_) != chain) {
      return Status::InvalidArgument(path +
                                     " has changed since it was reviewed (its last chain is " +
                                     ToHex(a->chain_) + "): review it again");
    }
    *body = "{\"seq\":" + std::to_string(a->seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"seal\",\"sealed\":" + std::to_string(a->seq_) + ",\"prev\":\"" +
            ToHex(a->chain_) + "\"";
    return Status::OK();
  });
  return s.ok() ? a->anchor_ : s;
}

Status Access::Load() {
  FileLock file(path_);
  if (file.fd() < 0) return Status::IOError("cannot open " + path_);
  return LoadFrom(file.fd());
}

Status Access::Reload() { return FileSize(path_) == loaded_size_ ? Status::OK() : Load(); }

// Replays the journal from the start, checking every line, then its anchor.
Status Access::LoadFrom(int fd) {
  std::string text;
  char buf[65536];
  ssize_t n;
  loaded_size_ = -1;
  if (::lseek(fd, 0, SEEK_SET) != 0) return Status::IOError("cannot read " + path_);
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  // Lines loaded before were checked then, their signatures too: the same bytes are not
  // verified again.
  const std::vector<std::string> verified = std::move(lines_);
  live_.clear();
  people_.clear();
  lines_.clear();
  chains_.clear();
  chain_ = Hash{};
  seq_ = 0;
  unsealed_ = 0;
  signed_seen_ = false;
  size_t torn = 0;  // bytes after the last newline
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      torn = text.size() - start;
      text.resize(start);
      break;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const bool seen = seq_ < verified.size() && verified[seq_] == line;
    Status s = Replay(line, path_ + " line " + std::to_string(seq_ + 1), seen);
    if (!s.ok()) return s;
    lines_.push_back(line);
  }
  anchor_ = Anchor();
  // A review shows what the head says is wrong; it cannot mend a head it cannot read.
  if (!anchor_.ok() && (!reviewing_ || anchor_.code() != Code::kCorruption)) return anchor_;
  // An append writes its line and newline in one write and syncs before it is done, so a
  // last line without its newline is one that a crash cut short: it was never acknowledged.
  // It goes, with a warning, instead of failing every authentication; but only once the
  // lines before it hold, so that a journal refused (its last newline removed, say) is left
  // as it was.
  if (torn > 0 && anchor_.ok()) {
    spdlog::warn("{}: dropping a torn last line ({} bytes) left by a crash", path_, torn);
    if (::ftruncate(fd, static_cast<off_t>(text.size())) != 0 || ::fsync(fd) != 0) {
      return Status::IOError("cannot drop the torn last line of " + path_);
    }
  }
  loaded_size_ = static_cast<int64_t>(text.size());
  return Status::OK();
}

// Checks one line's place in the chain and its signature, and applies it.
Status Access::Replay(const std::string& line, const std::string& where, bool verified) {
  const size_t at = line.rfind(kChainField);
  JsonDocument doc;
  std::string action, prev;
  uint64_t seq = 0;
  Status s = at == std::string::npos ? Status::Corruption("no chain") : doc.Parse(line);
  if (s.ok()) s = doc.GetUint("seq", &seq);
  if (s.ok()) s = doc.GetString("action", &action);
  if (s.ok()) s = doc.GetString("prev", &prev);
  if (!s.ok()) return Status::Corruption(where + ": " + s.message());
  const Hash chain = ChainOf(chain_, line.substr(0, at));
  std::optional<Signature> signature;
  if (seq != seq_ + 1 || prev != ToHex(chain_) ||
      !ParseTail(std::string_view(line).substr(at), chain, &signature)) {
    return Status::Corruption(where + ": the access journal's chain is broken");
  }
  s = CheckSignature(seq, chain, signature, action, verified, where);
  if (s.ok()) s = Apply(doc, action, seq, where);
  if (!s.ok()) return s;
  chain_ = chain;
  chains_.push_back(chain);
  seq_ = seq;
  return Status::OK();
}

// Unsigned lines are accepted only before the first signed line, which must then be a seal
// (access.h, Anchoring).
Status Access::CheckSignature(uint64_t seq, const Hash& chain,
                              const std::optional<Signature>& signature, const std::string& action,
                              bool verified, const std::string& where) {
  if (!signature) {
    if (signed_seen_ || action == "seal") {
      return Status::Corruption(where + ": no signature, after signed lines");
    }
    ++unsealed_;
    return Status::OK();
  }
  if (!verified && !VerifySignature(SignedText(kLineKind, seq, chain), *signature, public_key_)) {
    return Status::Corruption(where + ": the signature is not the ledger key's");
  }
  if (unsealed_ > 0 && action != "seal") {
    return Status::Corruption(where + ": signed, but after " + std::to_string(unsealed_) +
                              " unsigned lines that no seal vouches for");
  }
  signed_seen_ = true;
  if (action == "seal") unsealed_ = 0;
  return Status::OK();
}

// Applies one checked line to the tokens and people.
Status Access::Apply(const JsonDocument& doc, const std::string& action, uint64_t seq,
                     const std::string& where) {
  std::string name, role, hash_hex, login;
  Status s;
  if (action == "grant") {
    Live live;
    s = doc.GetString("name", &name);
    if (s.ok()) s = doc.GetString("role", &role);
    if (s.ok()) s = doc.GetStringList("studios", &live.principal.studios);
    if (s.ok()) s = doc.GetString("tokenHash", &hash_hex);
    auto r = RoleFromName(role);
    if (!s.ok() || !r || !FromHex(hash_hex, live.token_hash.data(), live.token_hash.size())) {
      return Status::Corruption(where + ": bad grant");
    }
    live.principal.name = name;
    live.principal.role = *r;
    live_[name] = live;
  } else if (action == "revoke") {
    s = doc.GetString("name", &name);
    if (!s.ok()) return Status::Corruption(where + ": bad revocation");
    live_.erase(name);
  } else if (action == "person-add" || action == "person-update") {
    Account account;
    Person& p = account.person;
    s = doc.GetString("login", &p.login);
    if (s.ok()) s = doc.GetString("name", &p.name);
    if (s.ok()) s = doc.GetString("role", &role);
    if (s.ok()) s = doc.GetStringList("studios", &p.studios);
    if (s.ok() && action == "person-add") s = doc.GetString("passwordHash", &account.password_hash);
    if (s.ok() && action == "person-update") s = doc.GetBool("disabled", &p.disabled);
    auto r = RoleFromName(role);
    const bool known = people_.count(p.login) != 0;
    if (!s.ok() || !r || known != (action == "person-update")) {
      return Status::Corruption(where + ": bad " + action);
    }
    p.role = *r;
    if (known) account.password_hash = people_[p.login].password_hash;
    people_[p.login] = account;
  } else if (action == "person-password") {
    s = doc.GetString("login", &login);
    if (s.ok()) s = doc.GetString("passwordHash", &hash_hex);
    if (!s.ok() || !people_.count(login)) return Status::Corruption(where + ": bad " + action);
    people_[login].password_hash = hash_hex;
  } else if (action == "seal") {
    uint64_t sealed = 0;
    s = doc.GetUint("sealed", &sealed);
    if (!s.ok() || sealed + 1 != seq) return Status::Corruption(where + ": bad seal");
  } else {
    return Status::Corruption(where + ": unknown action");
  }
  return Status::OK();
}

// Checks the journal as loaded against its head and the rule on unsigned lines (access.h,
// Anchoring), and signs the head anew when a crash left it behind (or an empty journal has
// none yet).
Status Access::Anchor() {
  if (unsealed_ > 0) {
    return Status::Corruption(path_ + " line 1: no signature (lines 1-" +
                              std::to_string(unsealed_) +
                              " are unsigned: a journal from before lines were signed, or one "
                              "written without the ledger's key); review it with `wulian token "
                              "seal`");
  }
  Head head;
  Status s = ReadHead(&head);
  if (s.code() == Code::kNotFound && seq_ == 0) return WriteHead(0, Hash{});
  if (s.code() == Code::kNotFound) {
    return Status::Corruption(head_path_ + ", the signed head of " + path_ +
                              ", is missing: lines cut from its end would go unseen; review it "
                              "with `wulian token seal`");
  }
  if (!s.ok()) return s;
  if (head.seq > seq_) {
    return Status::Corruption(path_ + " ends at line " + std::to_string(seq_) +
                              " but its signed head is at line " + std::to_string(head.seq) +
                              ": lines were cut from its end, or it was rolled back");
  }
  if (head.chain != (head.seq == 0 ? Hash{} : chains_[head.seq - 1])) {
    return Status::Corruption(path_ + " line " + std::to_string(head.seq) +
                              " is not the line its signed head names: the journal was replaced");
  }
  if (head.seq == seq_) return Status::OK();
  // A head behind proves that nothing is missing up to it, so the journal holds whether or
  // not it can be signed anew now (a full disk must not lock everyone out).
  spdlog::warn(
      "{}: its signed head was at line {} of {}, as a crash between an append and its "
      "head leaves it: signing it anew",
      path_, head.seq, seq_);
  Status written = WriteHead(seq_, chain_);
  if (!written.ok()) spdlog::warn("{}; it stays at line {}", written.message(), head.seq);
  return Status::OK();
}

// NotFound when there is no head.
Status Access::ReadHead(Head* head) const {
  const int fd = ::open(head_path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return Status::NotFound("no " + head_path_);
  if (fd < 0) return Status::IOError("cannot open " + head_path_);
  char buf[kHeadBytesMax + 1];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ::close(fd);
  if (n < 0) return Status::IOError("cannot read " + head_path_);
  std::string_view text(buf, static_cast<size_t>(n));
  if (text.ends_with('\n')) text.remove_suffix(1);
  JsonDocument doc;
  std::string chain, signature;
  Status s = text.size() < kHeadBytesMax ? doc.Parse(text) : Status::Corruption("too long");
  if (s.ok()) s = doc.GetUint("seq", &head->seq);
  if (s.ok()) s = doc.GetString("chain", &chain);
  if (s.ok()) s = doc.GetString("signature", &signature);
  if (!s.ok() || !FromHex(chain, head->chain.data(), head->chain.size()) ||
      !FromHex(signature, head->signature.data(), head->signature.size()) ||
      !VerifySignature(SignedText(kHeadKind, head->seq, head->chain), head->signature,
                       public_key_)) {
    return Status::Corruption(head_path_ + " is not a head signed by the ledger's key");
  }
  return Status::OK();
}

// Replaces the head whole: a crash leaves the old head or the new one.
Status Access::WriteHead(uint64_t seq, const Hash& chain) {
  const Signature signature = key_.SignMessage(SignedText(kHeadKind, seq, chain));
  const std::string text = "{\"seq\":" + std::to_string(seq) + ",\"chain\":\"" + ToHex(chain) +
                           "\",\"signature\":\"" + HexOf(signature.data(), signature.size()) +
                           "\"}\n";
  const std::string temporary = head_path_ + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temporary.c_str(), head_path_.c_str()) == 0 && SyncDirectory(head_path_);
  if (!ok) ::unlink(temporary.c_str());
  return ok ? Status::OK() : Status::IOError("cannot write " + head_path_);
}

// Re-reads the journal and appends the line `body` builds from it, all under the file's
// lock, so that two processes appending at once cannot both write the same seq. The line
// goes after the last whole line (a seal may follow a torn one that was kept for review) and
// is synced before its head is written, so that a crash leaves the head behind, never ahead.
Status Access::Append(const std::function<Status(std::string*)>& body) {
  FileLock file(path_);
  if (file.fd() < 0) return Status::IOError("cannot open " + path_);
  Status s = LoadFrom(file.fd());
  std::string text;
  if (s.ok()) s = body(&text);
  if (!s.ok()) return s;
  const Hash chain = ChainOf(chain_, text);
  const Signature signature = key_.SignMessage(SignedText(kLineKind, seq_ + 1, chain));
  const std::string line = text + kChainField + ToHex(chain) + kSignatureField +
                           HexOf(signature.data(), signature.size()) + kLineEnd + "\n";
  LEDGER_ASSERT(loaded_size_ >= 0 && seq_ == lines_.size(), "appending to a journal not loaded");
  const off_t whole = static_cast<off_t>(loaded_size_);
  const bool ok =
      ::ftruncate(file.fd(), whole) == 0 && ::lseek(file.fd(), whole, SEEK_SET) == whole &&
      ::write(file.fd(), line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
      ::fsync(file.fd()) == 0;
  if (!ok) return Status::IOError("cannot append to " + path_);
  // The line is synced, so it holds: a head left behind is signed anew at a later load.
  s = WriteHead(seq_ + 1, chain);
  if (!s.ok()) spdlog::warn("{}; it stays at line {}", s.message(), seq_);
  return LoadFrom(file.fd());
}

Status Access::Grant(const std::string& name, Role role, const std::vector<std::string>& studios,
                     const std::string& time, std::string* secret) {
  if (!IsPlainText(name, kTokenNameBytesMax) || name.find_first_of("\"\\") != std::string::npos) {
    return Status::InvalidArgument(
        "a token name is 1-64 bytes of text without quotes or control characters");
  }
  Status s = CheckScope(role, studios);
  if (!s.ok()) return s;
  uint8_t random[32];
  if (RAND_bytes(random, sizeof random) != 1) return Status::IOError("no randomness");
  *secret = "wl_" + HexOf(random, sizeof random);
  std::lock_guard<std::mutex> lock(mu_);
  return Append([&](std::string* body) {
    if (live_.count(name) || people_.count(name))
      return Status::InvalidArgument("a live token or a person is already named \"" + name + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"grant\",\"name\":" + JsonString(name) + ",\"role\":\"" + RoleName(role) +
            "\",\"studios\":" + StudioList(studios) + ",\"tokenHash\":\"" + ToHex(Sha256(*secret)) +
            "\",\"prev\":\"" + ToHex(chain_) + "\"";
    return Status::OK();
  });
}

Status Access::Revoke(const std::string& name, const std::string& time) {
  std::lock_guard<std::mutex> lock(mu_);
  return Append([&](std::string* body) {
    if (!live_.count(name)) return Status::NotFound("no live token named \"" + name + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"revoke\",\"name\":" + JsonString(name) + ",\"prev\":\"" + ToHex(chain_) +
            "\"";
    return Status::OK();
  });
}

std::optional<Principal> Access::Authenticate(const std::string& secret) {
  const Hash presented = Sha256(secret);
  std::lock_guard<std::mutex> lock(mu_);
  if (!Reload().ok()) return std::nullopt;
  std::optional<Principal> found;
  for (const auto& [name, live] : live_) {
    // Every live token is compared, each in constant time.
    if (CRYPTO_memcmp(presented.data(), live.token_hash.data(), presented.size()) == 0) {
      found = live.principal;
    }
  }
  return found;
}

std::string Access::List() {
  std::lock_guard<std::mutex> lock(mu_);
  Load().IgnoreError();  // on a broken journal, list what was loaded before
  std::string out;
  for (const auto& [name, live] : live_) {
    out += "{\"name\":" + JsonString(name) + ",\"role\":\"" + RoleName(live.principal.role) +
           "\",\"studios\":" + StudioList(live.principal.studios) + "}\n";
  }
  return out;
}

std::string Access::History(bool secrets) {
  std::lock_guard<std::mutex> lock(mu_);
  Load().IgnoreError();  // on a broken journal, list what was loaded before
  std::string out;
  for (const auto& line : lines_) out += (secrets ? line : WithoutPasswordHash(line)) + "\n";
  return out;
}

Status Access::AddPerson(const Person& person, const std::string& password, const std::string& time,
                         std::string* generated) {
  Status s = CheckLogin(person.login);
  if (s.ok() && !IsPlainText(person.name, kPersonNameBytesMax))
    s = Status::InvalidArgument("a name is 1-200 bytes of text without control characters");
  if (s.ok()) s = CheckScope(person.role, person.studios);
  const std::string chosen = password.empty() ? GeneratePassword() : password;
  if (s.ok()) s = CheckPassword(chosen);
  std::string hash;
  if (s.ok()) s = HashPassword(chosen, &hash);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  s = Append([&](std::string* body) {
    if (people_.count(person.login) || live_.count(person.login)) {
      return Status::InvalidArgument("a person or a live token is already named \"" + person.login +
                                     "\"");
    }
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"person-add\",\"login\":" + JsonString(person.login) +
            ",\"name\":" + JsonString(person.name) + ",\"role\":\"" + RoleName(person.role) +
            "\",\"studios\":" + StudioList(person.studios) +
            ",\"passwordHash\":" + JsonString(hash) + ",\"prev\":\"" + ToHex(chain_) + "\"";
    return Status::OK();
  });
  if (s.ok() && password.empty() && generated) *generated = chosen;
  return s;
}

Status Access::UpdatePerson(const Person& person, const std::string& time) {
  Status s =
      IsPlainText(person.name, kPersonNameBytesMax)
          ? CheckScope(person.role, person.studios)
          : Status::InvalidArgument("a name is 1-200 bytes of text without control characters");
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  return Append([&](std::string* body) {
    if (!people_.count(person.login)) return Status::NotFound("no person \"" + person.login + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"person-update\",\"login\":" + JsonString(person.login) +
            ",\"name\":" + JsonString(person.name) + ",\"role\":\"" + RoleName(person.role) +
            "\",\"studios\":" + StudioList(person.studios) +
            ",\"disabled\":" + (person.disabled ? "true" : "false") + ",\"prev\":\"" +
            ToHex(chain_) + "\"";
    return Status::OK();
  });
}

Status Access::SetPassword(const std::string& login, const std::string& password,
                           const std::string& time, std::string* generated) {
  const std::string chosen = password.empty() ? GeneratePassword() : password;
  std::string hash;
  Status s = CheckPassword(chosen);
  if (s.ok()) s = HashPassword(chosen, &hash);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  s = Append([&](std::string* body) {
    if (!people_.count(login)) return Status::NotFound("no person \"" + login + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"person-password\",\"login\":" + JsonString(login) +
            ",\"passwordHash\":" + JsonString(hash) + ",\"prev\":\"" + ToHex(chain_) + "\"";
    return Status::OK();
  });
  if (s.ok() && password.empty() && generated) *generated = chosen;
  return s;
}

std::optional<Person> Access::FindPerson(const std::string& login) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Reload().ok()) return std::nullopt;
  auto it = people_.find(login);
  if (it == people_.end()) return std::nullopt;
  return it->second.person;
}

std::vector<Person> Access::People() {
  std::lock_guard<std::mutex> lock(mu_);
  Reload().IgnoreError();  // on a broken journal, list what was loaded before
  std::vector<Person> out;
  for (const auto& [login, account] : people_) out.push_back(account.person);
  return out;
}

std::optional<Principal> Access::SignIn(const std::string& login, const std::string& password,
                                        std::string* credential) {
  std::optional<Account> account;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!Reload().ok()) return std::nullopt;
    auto it = people_.find(login);
    if (it != people_.end()) account = it->second;
  }
  const bool matches = PasswordMatches(account ? account->password_hash : DecoyHash(), password);
  if (!account || !matches || account->person.disabled) return std::nullopt;
  const Person& p = account->person;
  *credential = ToHex(Sha256(account->password_hash));
  return Principal{p.login, p.role, p.studios, p.name};
}

std::optional<Principal> Access::Current(const std::string& login, const std::string& credential) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Reload().ok()) return std::nullopt;
  auto it = people_.find(login);
  if (it == people_.end() || it->second.person.disabled ||
      ToHex(Sha256(it->second.password_hash)) != credential) {
    return std::nullopt;
  }
  const Person& p = it->second.person;
  return Principal{p.login, p.role, p.studios, p.name};
}

}  // namespace wulian::server
