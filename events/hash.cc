#include "events/hash.h"

#include <capnp/message.h>
#include <openssl/evp.h>

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

Hash Sha256(std::string_view bytes) { return Digest({bytes}); }

std::string ToHex(const Hash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(hash.size() * 2);
  for (uint8_t b : hash) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

}  // namespace wulian
