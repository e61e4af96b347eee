#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>

namespace fr::webhook {

// Why webhooks must not reach `address` (IPv4 or IPv6): "loopback", "private", "link-local"
// (which holds the cloud metadata services, 169.254.169.254), "unspecified", "multicast",
// "reserved", "shared" (carrier-grade NAT); nullopt for a public address. IPv4 addresses inside
// IPv6 (mapped, compatible, NAT64, 6to4) are judged as the IPv4 address they carry. Pure.
std::optional<std::string> ForbiddenAddressKind(const sockaddr* address);

// The numeric text of `address` ("10.0.0.1", "::1"). Pure.
std::string AddressText(const sockaddr* address);

}  // namespace fr::webhook
