#include "server/access.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <sstream>

#include "events/codec.h"

namespace wulian::server {
namespace {

constexpr char kChainField[] = ",\"chain\":\"";

Hash ChainOf(const Hash& prev, const std::string& body) {
  return Sha256(std::string(reinterpret_cast<const char*>(prev.data()), prev.size()) + body);
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

Status Access::Open(const std::string& path, std::unique_ptr<Access>* access) {
  if (sodium_init() < 0) return Status::IOError("libsodium cannot start");
  std::unique_ptr<Access> a(new Access(path));
  std::lock_guard<std::mutex> lock(a->mu_);
  Status s = a->Load();
  if (!s.ok()) return s;
  *access = std::move(a);
  return Status::OK();
}

Status Access::Load() {
  FileLock file(path_);
  if (file.fd() < 0) return Status::IOError("cannot open " + path_);
  return LoadFrom(file.fd());
}

Status Access::Reload() { return FileSize(path_) == loaded_size_ ? Status::OK() : Load(); }

// Replays the journal from the start, checking every line's chain.
Status Access::LoadFrom(int fd) {
  std::string text;
  char buf[65536];
  ssize_t n;
  if (::lseek(fd, 0, SEEK_SET) != 0) return Status::IOError("cannot read " + path_);
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  live_.clear();
  people_.clear();
  lines_.clear();
  chain_ = Hash{};
  seq_ = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      // An append writes its line and newline in one write and syncs before it is done, so
      // a last line without its newline is one that a crash cut short: it was never
      // acknowledged. It goes, with a warning, instead of failing every authentication.
      spdlog::warn("{}: dropping a torn last line ({} bytes) left by a crash", path_,
                   text.size() - start);
      if (::ftruncate(fd, static_cast<off_t>(start)) != 0 || ::fsync(fd) != 0) {
        return Status::IOError("cannot drop the torn last line of " + path_);
      }
      text.resize(start);
      break;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    Status s = Replay(line, path_ + " line " + std::to_string(seq_ + 1));
    if (!s.ok()) return s;
    lines_.push_back(line);
  }
  loaded_size_ = static_cast<int64_t>(text.size());
  return Status::OK();
}

// Checks one line's place in the chain and applies it.
Status Access::Replay(const std::string& line, const std::string& where) {
  const size_t at = line.rfind(kChainField);
  JsonDocument doc;
  std::string action, prev, chain;
  uint64_t seq = 0;
  Status s = at == std::string::npos ? Status::Corruption("no chain") : doc.Parse(line);
  if (s.ok()) s = doc.GetUint("seq", &seq);
  if (s.ok()) s = doc.GetString("action", &action);
  if (s.ok()) s = doc.GetString("prev", &prev);
  if (s.ok()) s = doc.GetString("chain", &chain);
  if (!s.ok()) return Status::Corruption(where + ": " + s.message());
  if (seq != seq_ + 1 || prev != ToHex(chain_) ||
      chain != ToHex(ChainOf(chain_, line.substr(0, at)))) {
    return Status::Corruption(where + ": the access journal's chain is broken");
  }
  std::string name, role, hash_hex, login;
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
  } else {
    return Status::Corruption(where + ": unknown action");
  }
  FromHex(chain, chain_.data(), chain_.size());
  seq_ = seq;
  return Status::OK();
}

// Re-reads the journal and appends the line `body` builds from it, all under the file's
// lock, so that two processes appending at once cannot both write the same seq.
Status Access::Append(const std::function<Status(std::string*)>& body) {
  FileLock file(path_);
  if (file.fd() < 0) return Status::IOError("cannot open " + path_);
  Status s = LoadFrom(file.fd());
  std::string text;
  if (s.ok()) s = body(&text);
  if (!s.ok()) return s;
  const std::string line = text + kChainField + ToHex(ChainOf(chain_, text)) + "\"}\n";
  const bool ok =
      ::lseek(file.fd(), 0, SEEK_END) >= 0 &&
      ::write(file.fd(), line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
      ::fsync(file.fd()) == 0;
  if (!ok) return Status::IOError("cannot append to " + path_);
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
  for (const auto& line : lines_) {
    static constexpr char kHashField[] = ",\"passwordHash\":\"";
    const size_t at = line.find(kHashField);
    if (secrets || at == std::string::npos) {
      out += line + "\n";
      continue;
    }
    const size_t end = line.find('"', at + sizeof kHashField - 1);
    out += line.substr(0, at) + line.substr(end + 1) + "\n";
  }
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
