#include "events/signing.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/assert.h"
#include "events/codec.h"

namespace wulian {

struct SigningKey::Impl {
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SigningKey::~SigningKey() = default;

Status SigningKey::Create(const std::string& path, std::unique_ptr<SigningKey>* key) {
  auto impl = std::make_unique<Impl>();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  const bool made =
      ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &impl->key) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!made) return Status::IOError("cannot generate an Ed25519 key");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::IOError("cannot create " + path);
  std::FILE* file = fdopen(fd, "w");
  bool ok = file != nullptr &&
            PEM_write_PrivateKey(file, impl->key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  ok &= file != nullptr && std::fflush(file) == 0 && fsync(fd) == 0;
  if (file != nullptr) std::fclose(file);
  if (!ok) return Status::IOError("cannot write " + path);
  key->reset(new SigningKey(std::move(impl)));
  return Status::OK();
}

Status SigningKey::Load(const std::string& path, std::unique_ptr<SigningKey>* key) {
  std::FILE* file = std::fopen(path.c_str(), "r");
  if (file == nullptr) return Status::NotFound("no signing key at " + path);
  auto impl = std::make_unique<Impl>();
  impl->key = PEM_read_PrivateKey(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  if (impl->key == nullptr || EVP_PKEY_get_id(impl->key) != EVP_PKEY_ED25519) {
    return Status::Corruption(path + " is not an Ed25519 private key");
  }
  key->reset(new SigningKey(std::move(impl)));
  return Status::OK();
}

PublicKey SigningKey::public_key() const {
  PublicKey out{};
  size_t len = out.size();
  LEDGER_ASSERT(EVP_PKEY_get_raw_public_key(impl_->key, out.data(), &len) == 1 && len == out.size(),
                "Ed25519 public key");
  return out;
}

void SigningKey::Sign(TreeHead* head) const {
  head->signature = SignMessage(TreeHeadMessage(*head));
}

Signature SigningKey::SignMessage(std::string_view message) const {
  Signature signature{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = signature.size();
  const bool ok =
      ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, impl_->key) == 1 &&
      EVP_DigestSign(ctx, signature.data(), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  LEDGER_ASSERT(ok && len == signature.size(), "Ed25519 signing failed");
  return signature;
}

bool VerifyTreeHead(const TreeHead& head, const PublicKey& key) {
  return VerifySignature(TreeHeadMessage(head), head.signature, key);
}

bool VerifySignature(std::string_view message, const Signature& signature, const PublicKey& key) {
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(), key.size());
  if (pkey == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx, signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

std::string TreeHeadMessage(const TreeHead& head) {
  return "wulian-tree-head-v1\n" + std::to_string(head.size) + "\n" + ToHex(head.root) + "\n" +
         head.time + "\n";
}

std::string TreeHeadJson(const TreeHead& head) {
  return "{\"size\":" + std::to_string(head.size) + ",\"root\":\"" + ToHex(head.root) +
         "\",\"time\":" + JsonString(head.time) + ",\"signature\":\"" +
         HexOf(head.signature.data(), head.signature.size()) + "\"}";
}

Status ParseTreeHead(std::string_view json, TreeHead* head) {
  JsonDocument doc;
  Status s = doc.Parse(json);
  std::string root, signature;
  if (s.ok()) s = doc.GetUint("size", &head->size);
  if (s.ok()) s = doc.GetString("root", &root);
  if (s.ok()) s = doc.GetString("time", &head->time);
  if (s.ok()) s = doc.GetString("signature", &signature);
  if (!s.ok()) return Status::InvalidArgument("tree head: " + s.message());
  if (!FromHex(root, head->root.data(), head->root.size()) ||
      !FromHex(signature, head->signature.data(), head->signature.size())) {
    return Status::InvalidArgument("tree head: root and signature must be hex of 32 and 64 bytes");
  }
  return Status::OK();
}

std::string PublicKeyJson(const PublicKey& key) {
  return "{\"algorithm\":\"Ed25519\",\"publicKey\":\"" + HexOf(key.data(), key.size()) + "\"}";
}

Status ParsePublicKey(std::string_view json, PublicKey* key) {
  JsonDocument doc;
  std::string algorithm, hex;
  Status s = doc.Parse(json);
  if (s.ok()) s = doc.GetString("algorithm", &algorithm);
  if (s.ok()) s = doc.GetString("publicKey", &hex);
  if (!s.ok()) return Status::InvalidArgument("public key: " + s.message());
  if (algorithm != "Ed25519" || !FromHex(hex, key->data(), key->size())) {
    return Status::InvalidArgument("public key: expected Ed25519 and 32 bytes of hex");
  }
  return Status::OK();
}

}  // namespace wulian
