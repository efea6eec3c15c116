// Signed tree heads (SPEC §4): {size, root, time} signed with the ledger's Ed25519 key.
//
// The signed bytes are the UTF-8 text
//     "wulian-tree-head-v1\n" size "\n" hex(root) "\n" time "\n"
// with size in decimal and time in RFC 3339 as printed in the head. A head is published as
// the JSON object {"size", "root", "time", "signature"} (hex root and signature).
//
// The same key signs other messages (the access journal's lines and head, server/access.h);
// each kind begins with its own first line ("wulian-…-v1\n"), so that no signature made for
// one kind is valid as another.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/hash.h"
#include "base/status.h"

namespace wulian {

inline constexpr size_t kPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;
using PublicKey = std::array<uint8_t, kPublicKeyBytes>;
using Signature = std::array<uint8_t, kSignatureBytes>;

struct TreeHead {
  uint64_t size = 0;
  Hash root{};
  std::string time;  // RFC 3339
  Signature signature{};
};

std::string TreeHeadMessage(const TreeHead& head);
std::string TreeHeadJson(const TreeHead& head);
// Parses {"size", "root", "time", "signature"}; other fields are ignored.
Status ParseTreeHead(std::string_view json, TreeHead* head);

// The ledger's Ed25519 key, kept as PKCS#8 PEM in a file readable by its owner only.
class SigningKey {
 public:
  // Creates a new key in `path`; fails if the file exists.
  static Status Create(const std::string& path, std::unique_ptr<SigningKey>* key);
  static Status Load(const std::string& path, std::unique_ptr<SigningKey>* key);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  PublicKey public_key() const;
  // Fills head->signature.
  void Sign(TreeHead* head) const;
  // The Ed25519 signature of `message`. REQUIRES: `message` begins with its kind's line.
  Signature SignMessage(std::string_view message) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks head's signature with `key`.
bool VerifyTreeHead(const TreeHead& head, const PublicKey& key);
// Whether `signature` is `key`'s Ed25519 signature of `message`.
bool VerifySignature(std::string_view message, const Signature& signature, const PublicKey& key);

// {"algorithm": "Ed25519", "publicKey": hex}
std::string PublicKeyJson(const PublicKey& key);
// Reads the publicKey of PublicKeyJson's output.
Status ParsePublicKey(std::string_view json, PublicKey* key);

}  // namespace wulian
