#ifndef GATEWAY_CONSOLE_STATIC_ASSETS_H_
#define GATEWAY_CONSOLE_STATIC_ASSETS_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace nhs::tobacco::console {

// One file of the web console, compiled into the binary at build time
// (cmake/embed_console_assets.cmake generates static_assets.cc from console/:
// our pages plus nhsuk-frontend as console/package-lock.json pins it), so
// the gateway serves the console with no download and no file system.
struct StaticAsset {
  absl::string_view path;          // e.g. "/console/gp.html"
  absl::string_view content_type;  // e.g. "text/html; charset=utf-8"
  absl::string_view etag;          // quoted, from the bytes' SHA-256
  absl::string_view body;
};

// Every asset, sorted as generated; built once, never changes.
absl::Span<const StaticAsset> StaticAssets();

}  // namespace nhs::tobacco::console

#endif  // GATEWAY_CONSOLE_STATIC_ASSETS_H_
