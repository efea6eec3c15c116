#include "events/hash.h"

#include <capnp/message.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "events/assert.h"

namespace wulian {
namespace {

Hash Digest(std::initializer_list<std::string_view> parts) {
  Hash out;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  LEDGER_ASSERT(ctx != nullptr, "EVP_MD_CTX_new");
  int ok = EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  for (auto part : parts) ok &= EVP_DigestUpdate(ctx, part.data(), part.size());
  unsigned int len = 0;
  ok &= EVP_DigestFinal_ex(ctx, out.data(), &len);
  EVP_MD_CTX_free(ctx);
  LEDGER_ASSERT(ok == 1 && len == out.size(), "SHA-256 failed");
  return out;
}

}  // namespace

Hash LeafHash(schema::Event::Reader event) {
  LEDGER_ASSERT(!event.hasHash() && !event.hasChain(), "leaf hash over a hashed event");
  kj::Array<capnp::word> canonical = capnp::canonicalize(event);
  auto bytes = canonical.asBytes();
  static constexpr char kLeafPrefix = 0x00;
  return Digest({std::string_view(&kLeafPrefix, 1),
                 std::string_view(reinterpret_cast<const char*>(bytes.begin()), bytes.size())});
}

Hash ChainHash(const Hash& previous, const Hash& leaf) {
  return Digest({std::string_view(reinterpret_cast<const char*>(previous.data()), previous.size()),
                 std::string_view(reinterpret_cast<const char*>(leaf.data()), leaf.size())});
}

Hash Sha256(std::string_view bytes) {
  Hash out;
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), out.data());
  return out;
}

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
