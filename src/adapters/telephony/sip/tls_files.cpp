#include "adapters/telephony/sip/tls_files.hpp"

#include <fcntl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

namespace fr::sip {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// The certificate and key as PEM text, after checking that OpenSSL reads them and that they
// are one pair: a mistake here would otherwise surface as a failed handshake in a live call.
Result<std::string> ReadPair(const std::string& certificate_file, const std::string& key_file) {
  std::unique_ptr<std::FILE, FileCloser> cert(std::fopen(certificate_file.c_str(), "r"));
  if (!cert) return Error::InvalidArgument("--sip-tls-cert: cannot read " + certificate_file);
  std::unique_ptr<X509, X509Free> x509(PEM_read_X509(cert.get(), nullptr, nullptr, nullptr));
  if (!x509) {
    return Error::InvalidArgument("--sip-tls-cert: " + certificate_file +
                                  " holds no PEM certificate");
  }
  std::unique_ptr<std::FILE, FileCloser> key_in(std::fopen(key_file.c_str(), "r"));
  if (!key_in) return Error::InvalidArgument("--sip-tls-key: cannot read " + key_file);
  // No passphrase callback: an encrypted key fails here instead of prompting on a terminal.
  std::unique_ptr<EVP_PKEY, KeyFree> key(PEM_read_PrivateKey(
      key_in.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr));
  if (!key) {
    return Error::InvalidArgument("--sip-tls-key: " + key_file +
                                  " holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(x509.get(), key.get()) != 1) {
    return Error::InvalidArgument(
        "--sip-tls-key does not belong to the certificate of --sip-tls-cert");
  }
  std::ostringstream pem;
  pem << std::ifstream(key_file).rdbuf() << "\n" << std::ifstream(certificate_file).rdbuf() << "\n";
  return pem.str();
}

}  // namespace

Result<SofiaTlsDirectory> SofiaTlsDirectory::Create(const std::string& certificate_file,
                                                    const std::string& private_key_file,
                                                    const std::string& ca_file) {
  FR_ASSIGN_OR_RETURN(const std::string agent_pem, ReadPair(certificate_file, private_key_file));
  if (access(ca_file.c_str(), R_OK) != 0) {
    return Error::InvalidArgument("the CA store " + ca_file + " cannot be read");
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "fr-sip-tls-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Error::Internal("cannot create a TLS directory");
  SofiaTlsDirectory directory{std::filesystem::path(pattern)};
  const std::string agent = (directory.path() / "agent.pem").string();
  const int fd = open(agent.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Internal("cannot write " + agent);
  const bool written =
      write(fd, agent_pem.data(), agent_pem.size()) == static_cast<ssize_t>(agent_pem.size());
  close(fd);
  std::error_code error;
  std::filesystem::create_symlink(std::filesystem::absolute(ca_file),
                                  directory.path() / "cafile.pem", error);
  if (!written || error) return Error::Internal("cannot write the TLS directory " + pattern);
  return directory;
}

SofiaTlsDirectory::~SofiaTlsDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace fr::sip
