#ifndef TESTS_TESTING_MESH_SANDBOX_H_
#define TESTS_TESTING_MESH_SANDBOX_H_

// NHS Digital's MESH sandbox (third_party/mesh-sandbox) as a child process
// for tests of MESH clients: HTTPS on a free loopback port with the
// development PKI (server.pem; client certificates signed by ca.pem
// required, as MESH does), AUTH_MODE=full, the given mailboxes and
// workflows, and a fresh data folder kept across Stop()/Start() so a test
// can take MESH down and bring it back with its messages. Needs Debian's
// python3-fastapi, python3-uvicorn, python3-cryptography, python3-dateutil.
// Locates the sandbox through TOBACCO_SOURCE_DIR (a compile definition).
//
//   MeshSandbox mesh({{"X26ABC1", "password", "X26"}}, {});
//   ASSERT_TRUE(mesh.Start());
//   MeshClientOptions options{.base_url = mesh.base_url(), ...};
//   options.tls = mesh.client_tls();
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "adapters/http/client.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/dev_certs.h"

namespace nhs::tobacco::testing {

class MeshSandbox {
 public:
  struct Mailbox {
    std::string id;
    std::string password;
    std::string ods_code;
  };
  struct Workflow {
    std::string workflow_id;
    std::vector<std::string> receivers;  // mailbox ids
  };

  MeshSandbox(std::vector<Mailbox> mailboxes, std::vector<Workflow> workflows,
              std::string shared_key = "TestKey")
      : shared_key_(std::move(shared_key)) {
    static std::atomic<int> counter = 0;
    root_ = std::filesystem::temp_directory_path() /
            absl::StrCat("tobacco_mesh_", ::getpid(), "_", counter++);
    std::filesystem::create_directories(root_ / "data");
    std::ofstream boxes(root_ / "mailboxes.jsonl");
    for (const Mailbox& box : mailboxes) {
      boxes << nlohmann::json{{"mailbox_id", box.id},
                              {"mailbox_name", absl::StrCat("Test ", box.id)},
                              {"ods_code", box.ods_code},
                              {"org_code", box.ods_code},
                              {"password", box.password},
                              {"billing_entity", "England"}}
                   .dump()
            << "\n";
    }
    std::ofstream flows(root_ / "workflows.jsonl");
    for (const Workflow& flow : workflows) {
      flows << nlohmann::json{{"workflow_id", flow.workflow_id},
                              {"senders", nlohmann::json::array()},
                              {"receivers", flow.receivers}}
                   .dump()
            << "\n";
    }
    port_ = FreePort();
  }

  ~MeshSandbox() {
    Stop();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  MeshSandbox(const MeshSandbox&) = delete;
  MeshSandbox& operator=(const MeshSandbox&) = delete;

  // Starts it (again: same port, same data) and waits until GET /health
  // answers over mutual TLS; false (with a test failure naming its log)
  // if it does not within 60 s.
  bool Start() {
    if (pid_ > 0) return true;
    const std::string script =
        absl::StrCat(TOBACCO_SOURCE_DIR, "/third_party/mesh-sandbox/start.sh");
    const std::string log = (root_ / "sandbox.log").string();
    const std::string port = std::to_string(port_);
    const std::string data = (root_ / "data").string();
    const std::string boxes = (root_ / "mailboxes.jsonl").string();
    const std::string flows = (root_ / "workflows.jsonl").string();
    const std::string cert = (DevCerts() / "server.pem").string();
    const std::string key = (DevCerts() / "server.key").string();
    const std::string ca = ca_path();
    pid_ = fork();
    if (pid_ == 0) {
      // Its own process group, so Stop() reaches start.sh and whatever it
      // runs before exec'ing uvicorn.
      setpgid(0, 0);
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
      }
      setenv("SHARED_KEY", shared_key_.c_str(), 1);
      setenv("AUTH_MODE", "full", 1);
      execl("/bin/bash", "bash", script.c_str(), "--port", port.c_str(),
            "--data", data.c_str(), "--mailboxes", boxes.c_str(), "--workflows",
            flows.c_str(), "--tls", cert.c_str(), key.c_str(), ca.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(pid_, pid_);  // also here: whichever runs first
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      int wstatus = 0;
      if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "the MESH sandbox exited at start; see its log:\n"
                      << ReadFile(log);
        return false;
      }
      http::ClientRequest health{.method = "GET",
                                 .url = absl::StrCat(base_url(), "/health")};
      absl::StatusOr<http::Response> answer =
          http::SendOverTls(health, client_tls());
      if (answer.ok() && answer->status == 200) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "the MESH sandbox did not answer /health; its log:\n"
                  << ReadFile(log);
    Stop();
    return false;
  }

  // SIGTERM to its process group and reap (SIGKILL after 10 s).
  void Stop() {
    if (pid_ <= 0) return;
    kill(-pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    int wstatus = 0;
    while (waitpid(pid_, &wstatus, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        kill(-pid_, SIGKILL);
        waitpid(pid_, &wstatus, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    pid_ = -1;
  }

  // Puts a REPORT message in `mailbox`'s inbox through the sandbox's test
  // route (not MESH's API): how MESH tells a sender a message was not
  // delivered. status: "error" (headers carry code and description) or
  // "undeliverable".
  std::string PutReport(const std::string& mailbox, const std::string& code,
                        const std::string& description,
                        const std::string& workflow_id,
                        const std::string& local_id,
                        const std::string& linked_message_id,
                        const std::string& status = "error") {
    http::ClientRequest request{
        .method = "POST",
        .url = absl::StrCat(base_url(), "/messageexchange/report"),
        .headers = {{"Content-Type", "application/json"}},
        .body = nlohmann::json{{"mailbox_id", mailbox},
                               {"code", code},
                               {"description", description},
                               {"workflow_id", workflow_id},
                               {"local_id", local_id},
                               {"linked_message_id", linked_message_id},
                               {"status", status}}
                    .dump()};
    absl::StatusOr<http::Response> answer =
        http::SendOverTls(request, client_tls());
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (!answer.ok()) return "";
    EXPECT_EQ(answer->status, 200) << answer->body;
    const nlohmann::json body =
        nlohmann::json::parse(answer->body, nullptr, false);
    return body.is_object() ? body.value("message_id", "") : "";
  }

  std::string base_url() const {
    return absl::StrCat("https://127.0.0.1:", port_);
  }
  int port() const { return port_; }
  std::string ca_path() const { return (DevCerts() / "ca.pem").string(); }
  // A client certificate the development CA signed (integrator-x26): the
  // sandbox only checks that it chains to the CA.
  std::string client_cert() const {
    return (DevCerts() / "integrator-x26.pem").string();
  }
  std::string client_key() const {
    return (DevCerts() / "integrator-x26.key").string();
  }
  // TLS options for a client of this sandbox, timeouts short for tests.
  http::ClientOptions client_tls() const {
    http::ClientOptions tls;
    tls.ca_cert_path = ca_path();
    tls.client_cert_path = client_cert();
    tls.client_key_path = client_key();
    tls.connect_timeout = absl::Seconds(5);
    tls.io_timeout = absl::Seconds(30);
    return tls;
  }
  const std::filesystem::path& data_dir() const { return root_; }

 private:
  // A loopback port free right now (the OS picks it; the sandbox binds it
  // moments later).
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    socklen_t len = sizeof(addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
  }

  std::string shared_key_;
  std::filesystem::path root_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace nhs::tobacco::testing

#endif  // TESTS_TESTING_MESH_SANDBOX_H_
