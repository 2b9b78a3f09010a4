#include "deploy/demo_receivers/mesh_practice.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/fhir/systems.h"
#include "adapters/fhir/uuid.h"
#include "adapters/gp_connect/itk3_acknowledgement.h"
#include "adapters/gp_connect/itk3_constants.h"
#include "deploy/demo_receivers/bundle_fields.h"
#include "nlohmann/json.hpp"

namespace nhs::tobacco::demo {
namespace {

constexpr char kChannel[] = "MESH";
// ITK3 response codes (itk3_response_codes.cc): unreadable message, payload
// validation failure.
constexpr char kUnreadable[] = "10009";
constexpr char kNoDocument[] = "20009";

// The first entry's resource of type `type` in a Bundle, or null.
const Json& ResourceOf(const Json& bundle, absl::string_view type) {
  static const Json* const kNull = new Json();
  const Json& entries = Field(bundle, "entry");
  if (!entries.is_array()) return *kNull;
  for (const Json& entry : entries) {
    const Json& resource = Field(entry, "resource");
    if (Text(Field(resource, "resourceType")) == type) return resource;
  }
  return *kNull;
}

// The ITK3 SenderReference of a MessageHeader, which responses return.
std::string SenderReferenceOf(const Json& header) {
  const Json& extensions = Field(header, "extension");
  if (!extensions.is_array()) return "";
  for (const Json& ext : extensions) {
    if (Text(Field(ext, "url")) != gp_connect::kExtensionItkMessageHandling) {
      continue;
    }
    const Json& keys = Field(ext, "extension");
    if (!keys.is_array()) continue;
    for (const Json& key : keys) {
      if (Text(Field(key, "url")) == gp_connect::kKeySenderReference) {
        return Text(Field(key, "valueString"));
      }
    }
  }
  return "";
}

// The base64 PDF anywhere in `j`: an object with contentType
// application/pdf and its bytes in "content" (an STU3 Binary, as ITK3
// carries it) or "data" (an Attachment).
const Json* FindPdf(const Json& j) {
  if (j.is_object()) {
    if (Text(Field(j, "contentType")) == "application/pdf") {
      for (const char* key : {"content", "data"}) {
        if (Field(j, key).is_string()) return &Field(j, key);
      }
    }
    for (const auto& [key, value] : j.items()) {
      if (const Json* found = FindPdf(value); found != nullptr) return found;
    }
  } else if (j.is_array()) {
    for (const Json& item : j) {
      if (const Json* found = FindPdf(item); found != nullptr) return found;
    }
  }
  return nullptr;
}

// A name safe as a file name: letters, digits, '-' and '_' only.
bool SafeName(absl::string_view name) {
  if (name.empty() || name.size() > 100) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

MeshPractice::MeshPractice(MeshPracticeOptions options, ReportLine report)
    : options_(std::move(options)),
      report_(std::move(report)),
      client_(options_.client) {}

MeshPractice::~MeshPractice() { Stop(); }

void MeshPractice::Start() {
  thread_ = std::thread([this] { Run(); });
}

void MeshPractice::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void MeshPractice::Run() {
  do {
    absl::StatusOr<int> pass = PollOnce();
    absl::MutexLock lock(&mu_);
    // MESH down or a wrong password: said once, not every two seconds.
    const std::string error =
        pass.ok() ? "" : std::string(pass.status().ToString());
    if (error != last_error_) {
      std::cerr << "tobacco-demo-receivers: MESH mailbox "
                << options_.client.mailbox_id << ": "
                << (error.empty() ? "reachable again" : error) << std::endl;
      last_error_ = error;
    }
  } while (!stop_.WaitForNotificationWithTimeout(options_.poll_interval));
}

absl::StatusOr<int> MeshPractice::PollOnce() {
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status sent = SendAnswers(); !sent.ok()) return sent;
  }
  absl::StatusOr<std::vector<std::string>> ids = client_.ListInbox();
  if (!ids.ok()) return ids.status();
  int taken = 0;
  for (const std::string& id : *ids) {
    if (stop_.HasBeenNotified()) break;
    if (absl::Status status = Take(id); !status.ok()) return status;
    ++taken;
  }
  absl::MutexLock lock(&mu_);
  if (absl::Status sent = SendAnswers(); !sent.ok()) return sent;
  return taken;
}

absl::Status MeshPractice::Take(const std::string& mesh_message_id) {
  absl::StatusOr<mesh::InboxMessage> m = client_.Download(mesh_message_id);
  if (!m.ok()) return m.status();
  const std::string& receiver = options_.ods_code;
  absl::MutexLock lock(&mu_);

  if (m->message_type == "REPORT") {
    // MESH telling the practice one of its own messages (an ITK3 response)
    // was not delivered: status fields only, never the subject.
    report_(kChannel, absl::StrCat("REPORT ", m->status_code), m->local_id,
            receiver,
            absl::StrCat("MESH: ", m->status_event, " ", m->status_success, " ",
                         m->status_description));
    return client_.Acknowledge(mesh_message_id);
  }

  const Json bundle = Json::parse(m->body, nullptr, /*allow_exceptions=*/false);
  const Json& header = ResourceOf(bundle, "MessageHeader");
  // The ITK3 message id (MessageHeader.id), which the gateway also gives
  // MESH as the local id; responses quote it.
  std::string itk3_id = Text(Field(header, "id"));
  if (itk3_id.empty()) itk3_id = m->local_id;
  const std::string sender_ods =
      OdsCodeOf(bundle, Text(Field(Field(header, "sender"), "reference")));
  const std::string sender_reference = SenderReferenceOf(header);

  std::string refused;  // the negative response code, if any
  std::string note;
  if (bundle.is_discarded() || header.is_null()) {
    refused = kUnreadable;
    note = "refused: not an ITK3 message Bundle (negative acknowledgement)";
  } else if (const Json* pdf = FindPdf(bundle); pdf == nullptr) {
    refused = kNoDocument;
    note = "refused: no application/pdf in it (negative acknowledgement)";
  } else {
    std::string bytes;
    if (!absl::Base64Unescape(pdf->get<std::string>(), &bytes)) {
      refused = kNoDocument;
      note = "refused: the PDF is not base64 (negative acknowledgement)";
    } else {
      absl::StatusOr<std::string> path =
          SaveLetter(SafeName(itk3_id) ? itk3_id : mesh_message_id, bytes);
      // Not filed: left in the inbox for the next pass.
      if (!path.ok()) return path.status();
      note = *path;
    }
  }
  report_(kChannel, m->workflow_id, itk3_id, receiver, note);
  if (absl::Status acked = client_.Acknowledge(mesh_message_id); !acked.ok()) {
    return acked;
  }
  if (itk3_id.empty() || m->from_mailbox.empty()) return absl::OkStatus();
  if (!refused.empty()) {
    Answer(m->from_mailbox, sender_ods, itk3_id, sender_reference,
           /*business=*/false, refused);
    return absl::OkStatus();
  }
  // Readable (infrastructure), then filed (business): a real practice sends
  // the second once the letter is matched to the patient's record.
  Answer(m->from_mailbox, sender_ods, itk3_id, sender_reference,
         /*business=*/false, "");
  Answer(m->from_mailbox, sender_ods, itk3_id, sender_reference,
         /*business=*/true, "");
  return absl::OkStatus();
}

void MeshPractice::Answer(const std::string& to_mailbox,
                          const std::string& to_ods,
                          const std::string& itk3_message_id,
                          const std::string& sender_reference, bool business,
                          const std::string& code) {
  gp_connect::Itk3Acknowledgement ack;
  ack.kind = business ? gp_connect::Itk3Acknowledgement::Kind::kBusiness
                      : gp_connect::Itk3Acknowledgement::Kind::kInfrastructure;
  ack.acknowledged_message_id = itk3_message_id;
  ack.positive = code.empty();
  ack.code = code;
  ack.sender_reference = sender_reference;
  const std::string ack_id = fhir::RandomUuid();
  absl::StatusOr<std::string> json = gp_connect::BuildItk3Acknowledgement(
      ack, ack_id, absl::Now(), options_.ods_code, to_ods);
  if (!json.ok()) {
    std::cerr << "tobacco-demo-receivers: cannot build an ITK3 response: "
              << json.status() << std::endl;
    return;
  }
  mesh::OutgoingMessage out;
  out.to_mailbox = to_mailbox;
  out.workflow_id = options_.ack_workflow;
  out.local_id = ack_id;
  // No patient data: a response names the message it answers, no more.
  out.subject =
      business ? "ITK3 business response" : "ITK3 infrastructure response";
  out.filename = absl::StrCat(ack_id, ".json");
  out.content_type = "application/fhir+json";
  out.body = *std::move(json);
  answers_.push_back(std::move(out));
}

absl::Status MeshPractice::SendAnswers() {
  while (!answers_.empty()) {
    absl::StatusOr<std::string> sent = client_.Send(answers_.front());
    if (!sent.ok()) return sent.status();
    answers_.pop_front();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> MeshPractice::SaveLetter(
    absl::string_view name, absl::string_view pdf) const {
  std::error_code error;
  std::filesystem::create_directories(options_.letters_dir, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot make ", options_.letters_dir, ": ", error.message()));
  }
  const std::filesystem::path path =
      std::filesystem::path(options_.letters_dir) / absl::StrCat(name, ".pdf");
  const std::string partial = absl::StrCat(path.string(), ".part");
  // 0600: a letter names its patient (fictional data in development).
  const int fd =
      ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", partial, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < pdf.size()) {
    const ssize_t n = ::write(fd, pdf.data() + written, pdf.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || written != pdf.size()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", partial));
  }
  std::filesystem::rename(partial, path, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot rename to ", path.string(), ": ", error.message()));
  }
  return path.string();
}

}  // namespace nhs::tobacco::demo
