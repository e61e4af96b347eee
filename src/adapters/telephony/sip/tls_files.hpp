#pragma once

#include <filesystem>
#include <string>

#include "common/result.hpp"

// sofia-sip reads its TLS material from one directory (agent.pem: key and certificate;
// cafile.pem: the trusted CAs), not from the files an operator has. This bridges the two
// (decision 0022). Called on the SIP thread before nua is created; not thread-safe.
namespace fr::sip {

// A private directory (mode 0700, under the temporary directory) laid out as sofia expects,
// removed again by the destructor: once nua has been created, sofia holds everything in memory.
class SofiaTlsDirectory {
 public:
  // Checks that the certificate and key are readable PEM and belong together, then writes the
  // directory (agent.pem mode 0600; cafile.pem a link to `ca_file`). Errors: kInvalidArgument
  // naming the file and what is wrong; kInternal when the directory cannot be written.
  [[nodiscard]] static Result<SofiaTlsDirectory> Create(const std::string& certificate_file,
                                                        const std::string& private_key_file,
                                                        const std::string& ca_file);
  SofiaTlsDirectory(SofiaTlsDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  SofiaTlsDirectory& operator=(SofiaTlsDirectory&&) = delete;
  SofiaTlsDirectory(const SofiaTlsDirectory&) = delete;
  ~SofiaTlsDirectory();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit SofiaTlsDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace fr::sip
