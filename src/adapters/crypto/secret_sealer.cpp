#include "adapters/crypto/secret_sealer.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

#include "common/text.hpp"

namespace fr {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::string_view kVersion = "v1:";

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Error NoKey() {
  return Error::FailedPrecondition(
      "Webhook secrets cannot be sealed or opened: the service has no webhook key "
      "(--webhook-key-file).");
}

Error CannotOpen() {
  return Error::FailedPrecondition(
      "the sealed secret does not open with this webhook key (another key, or altered)");
}

std::optional<std::uint8_t> HexDigit(char ch) {
  if (ch >= '0' && ch <= '9') return static_cast<std::uint8_t>(ch - '0');
  if (ch >= 'a' && ch <= 'f') return static_cast<std::uint8_t>(ch - 'a' + 10);
  if (ch >= 'A' && ch <= 'F') return static_cast<std::uint8_t>(ch - 'A' + 10);
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const auto high = HexDigit(text[i]), low = HexDigit(text[i + 1]);
    if (!high || !low) return std::nullopt;
    bytes.push_back(static_cast<std::uint8_t>(*high << 4 | *low));
  }
  return bytes;
}

}  // namespace

std::optional<AesGcmSecretSealer::Key> ParseSealingKey(const std::string& text) {
  const auto bytes = HexDecode(TrimAsciiWhitespace(text));
  if (!bytes || bytes->size() != 32) return std::nullopt;
  AesGcmSecretSealer::Key key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

Result<std::string> AesGcmSecretSealer::Seal(const std::string& secret) const {
  if (!key_) return NoKey();
  std::vector<std::uint8_t> out(kNonceBytes + secret.size() + kTagBytes);
  if (RAND_bytes(out.data(), kNonceBytes) != 1) return Error::Internal("no randomness for a nonce");
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0, final_length = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_->data(), out.data()) !=
          1 ||
      EVP_EncryptUpdate(context.get(), out.data() + kNonceBytes, &length,
                        reinterpret_cast<const unsigned char*>(secret.data()),
                        static_cast<int>(secret.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), out.data() + kNonceBytes + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out.data() + kNonceBytes + secret.size()) != 1) {
    return Error::Internal("AES-256-GCM sealing failed");
  }
  return std::string(kVersion) +
         HexEncode(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

Result<std::string> AesGcmSecretSealer::Open(const std::string& sealed) const {
  if (!key_) return NoKey();
  if (!sealed.starts_with(kVersion)) return CannotOpen();
  auto bytes = HexDecode(std::string_view(sealed).substr(kVersion.size()));
  if (!bytes || bytes->size() < kNonceBytes + kTagBytes) return CannotOpen();
  const std::size_t text_bytes = bytes->size() - kNonceBytes - kTagBytes;
  std::string secret(text_bytes, '\0');
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0, final_length = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key_->data(), bytes->data()) !=
          1 ||
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(secret.data()), &length,
                        bytes->data() + kNonceBytes, static_cast<int>(text_bytes)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          bytes->data() + kNonceBytes + text_bytes) != 1 ||
      EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(secret.data()) + length,
                          &final_length) != 1) {
    return CannotOpen();
  }
  return secret;
}

}  // namespace fr
