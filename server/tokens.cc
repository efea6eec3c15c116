#include "server/tokens.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>

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

Status Tokens::Open(const std::string& path, std::unique_ptr<Tokens>* tokens) {
  std::unique_ptr<Tokens> t(new Tokens(path));
  std::lock_guard<std::mutex> lock(t->mu_);
  Status s = t->Load();
  if (!s.ok()) return s;
  *tokens = std::move(t);
  return Status::OK();
}

Status Tokens::Load() {
  FileLock file(path_);
  if (file.fd() < 0) return Status::IOError("cannot open " + path_);
  return LoadFrom(file.fd());
}

// Replays the journal from the start, checking every line's chain.
Status Tokens::LoadFrom(int fd) {
  std::string text;
  char buf[65536];
  ssize_t n;
  if (::lseek(fd, 0, SEEK_SET) != 0) return Status::IOError("cannot read " + path_);
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  live_.clear();
  lines_.clear();
  chain_ = Hash{};
  seq_ = 0;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const size_t at = line.rfind(kChainField);
    JsonDocument doc;
    std::string action, name, role, prev, chain, hash_hex;
    std::vector<std::string> studios;
    uint64_t seq = 0;
    Status s = at == std::string::npos ? Status::Corruption("no chain") : doc.Parse(line);
    if (s.ok()) s = doc.GetUint("seq", &seq);
    if (s.ok()) s = doc.GetString("action", &action);
    if (s.ok()) s = doc.GetString("name", &name);
    if (s.ok()) s = doc.GetString("prev", &prev);
    if (s.ok()) s = doc.GetString("chain", &chain);
    const std::string where = path_ + " line " + std::to_string(seq_ + 1);
    if (!s.ok()) return Status::Corruption(where + ": " + s.message());
    if (seq != seq_ + 1 || prev != ToHex(chain_) ||
        chain != ToHex(ChainOf(chain_, line.substr(0, at)))) {
      return Status::Corruption(where + ": the access journal's chain is broken");
    }
    if (action == "grant") {
      Live live;
      s = doc.GetString("role", &role);
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
      live_.erase(name);
    } else {
      return Status::Corruption(where + ": unknown action");
    }
    FromHex(chain, chain_.data(), chain_.size());
    seq_ = seq;
    lines_.push_back(line);
  }
  loaded_size_ = static_cast<int64_t>(text.size());
  return Status::OK();
}

// Re-reads the journal and appends the line `body` builds from it, all under the file's
// lock, so that two processes granting at once cannot both write the same seq.
Status Tokens::Append(const std::function<Status(std::string*)>& body) {
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

Status Tokens::Grant(const std::string& name, Role role, const std::vector<std::string>& studios,
                     const std::string& time, std::string* secret) {
  if (name.empty() || name.size() > kTokenNameBytesMax || !IsValidUtf8(name) ||
      name.find_first_of("\"\\\n\r\t") != std::string::npos) {
    return Status::InvalidArgument(
        "a token name is 1-64 bytes of text without quotes or control characters");
  }
  if ((role == Role::kRecorder) != !studios.empty() || studios.size() > kTokenStudiosMax) {
    return Status::InvalidArgument("a recorder token needs --studio (1-64); other roles take none");
  }
  uint8_t random[32];
  if (RAND_bytes(random, sizeof random) != 1) return Status::IOError("no randomness");
  *secret = "wl_" + HexOf(random, sizeof random);
  std::string list = "[";
  for (size_t i = 0; i < studios.size(); ++i) list += (i ? "," : "") + JsonString(studios[i]);
  std::lock_guard<std::mutex> lock(mu_);
  return Append([&](std::string* body) {
    if (live_.count(name))
      return Status::InvalidArgument("a live token is already named \"" + name + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"grant\",\"name\":" + JsonString(name) + ",\"role\":\"" + RoleName(role) +
            "\",\"studios\":" + list + "],\"tokenHash\":\"" + ToHex(Sha256(*secret)) +
            "\",\"prev\":\"" + ToHex(chain_) + "\"";
    return Status::OK();
  });
}

Status Tokens::Revoke(const std::string& name, const std::string& time) {
  std::lock_guard<std::mutex> lock(mu_);
  return Append([&](std::string* body) {
    if (!live_.count(name)) return Status::NotFound("no live token named \"" + name + "\"");
    *body = "{\"seq\":" + std::to_string(seq_ + 1) + ",\"time\":" + JsonString(time) +
            ",\"action\":\"revoke\",\"name\":" + JsonString(name) + ",\"prev\":\"" + ToHex(chain_) +
            "\"";
    return Status::OK();
  });
}

std::optional<Principal> Tokens::Authenticate(const std::string& secret) {
  const Hash presented = Sha256(secret);
  std::lock_guard<std::mutex> lock(mu_);
  if (FileSize(path_) != loaded_size_ && !Load().ok()) return std::nullopt;
  std::optional<Principal> found;
  for (const auto& [name, live] : live_) {
    // Every live token is compared, each in constant time.
    if (CRYPTO_memcmp(presented.data(), live.token_hash.data(), presented.size()) == 0) {
      found = live.principal;
    }
  }
  return found;
}

std::string Tokens::List(bool history) {
  std::lock_guard<std::mutex> lock(mu_);
  Load().IgnoreError();  // on a broken journal, list what was loaded before
  std::string out;
  if (history) {
    for (const auto& line : lines_) out += line + "\n";
    return out;
  }
  for (const auto& [name, live] : live_) {
    std::string studios = "[";
    for (size_t i = 0; i < live.principal.studios.size(); ++i) {
      studios += (i ? "," : "") + JsonString(live.principal.studios[i]);
    }
    out += "{\"name\":" + JsonString(name) + ",\"role\":\"" + RoleName(live.principal.role) +
           "\",\"studios\":" + studios + "]}\n";
  }
  return out;
}

}  // namespace wulian::server
