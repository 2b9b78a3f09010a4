#include "gateway/common/host_port.h"

#include <arpa/inet.h>

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace nhs::tobacco {
namespace {

// A DNS name or IPv4 address: dot-separated labels of letters, digits and
// hyphens, none empty or longer than 63, not starting or ending with '-'.
bool IsHostName(absl::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label : absl::StrSplit(host, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
  }
  return true;
}

bool IsIpv6(absl::string_view host) {
  in6_addr unused;
  return inet_pton(AF_INET6, std::string(host).c_str(), &unused) == 1;
}

}  // namespace

absl::Status ValidateHostPort(absl::string_view address, PortZero port_zero) {
  absl::string_view host;
  absl::string_view port;
  if (absl::StartsWith(address, "[")) {
    const size_t close = address.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          "must be host:port (IPv6 address without its closing ']')");
    }
    host = address.substr(1, close - 1);
    absl::string_view rest = address.substr(close + 1);
    if (!absl::ConsumePrefix(&rest, ":")) {
      return absl::InvalidArgumentError("must be host:port (missing :port)");
    }
    port = rest;
    if (!IsIpv6(host)) {
      return absl::InvalidArgumentError(
          "must be host:port (not an IPv6 address between [ ])");
    }
  } else {
    const size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError("must be host:port (missing :port)");
    }
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (absl::StrContains(host, ':')) {
      return absl::InvalidArgumentError(
          "must be host:port (write an IPv6 address in brackets: "
          "[2001:db8::1]:port)");
    }
    if (host.empty()) {
      return absl::InvalidArgumentError("must be host:port (missing host)");
    }
    if (!IsHostName(host)) {
      return absl::InvalidArgumentError(
          "must be host:port (host is not a name or an IP address)");
    }
  }
  int number = -1;
  if (port.empty() ||
      !absl::ascii_isdigit(static_cast<unsigned char>(port[0])) ||
      !absl::SimpleAtoi(port, &number) || number > 65535 ||
      (number == 0 && port_zero == PortZero::kRefused)) {
    return absl::InvalidArgumentError(
        port_zero == PortZero::kRefused
            ? "must be host:port with a port from 1 to 65535"
            : "must be host:port with a port from 0 to 65535");
  }
  return absl::OkStatus();
}

}  // namespace nhs::tobacco
