#include "base/hash.h"

#include <openssl/evp.h>

#include "base/assert.h"

namespace wulian {

namespace {

// SHA-256 with the algorithm fetched once and a context reused per thread: OpenSSL 3 would
// otherwise look the algorithm up, under a lock, on every call.
class Sha256Engine {
 public:
  Sha256Engine() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    LEDGER_ASSERT(md_ != nullptr && ctx_ != nullptr, "OpenSSL SHA-256");
  }
  ~Sha256Engine() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256Engine(const Sha256Engine&) = delete;
  Sha256Engine& operator=(const Sha256Engine&) = delete;

  Hash Digest(std::initializer_list<std::string_view> parts) {
    Hash out;
    unsigned int len = 0;
    int ok = EVP_DigestInit_ex2(ctx_, md_, nullptr);
    for (const std::string_view part : parts) {
      if (!part.empty()) ok &= EVP_DigestUpdate(ctx_, part.data(), part.size());
    }
    ok &= EVP_DigestFinal_ex(ctx_, out.data(), &len);
    LEDGER_ASSERT(ok == 1 && len == out.size(), "SHA-256 failed");
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

Sha256Engine& Engine() {
  thread_local Sha256Engine engine;
  return engine;
}

}  // namespace

Hash Sha256(std::string_view bytes) { return Engine().Digest({bytes}); }

Hash Sha256Parts(std::initializer_list<std::string_view> parts) { return Engine().Digest(parts); }

std::string ToHex(const Hash& hash) { return HexOf(hash.data(), hash.size()); }

std::string HexOf(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  return out;
}

bool FromHex(std::string_view hex, uint8_t* out, size_t size) {
  if (hex.size() != size * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < size; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace wulian
