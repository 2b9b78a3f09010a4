#!/usr/bin/python3
"""HL7 v2 interop with an independent implementation: Debian's python3-hl7.

Inbound: python3-hl7's MLLPClient sends the reference REF^I12 messages to the
real tobacco-gateway binary and python3-hl7 parses the ACKs.
Outbound: an MLLP server written here with python3-hl7 receives the
gateway's RRI^I12, ORU^R01 and safety alert (sent by mllp_send, i.e. the
gateway's own MllpClient and builders), parses them and acknowledges.

usage: hl7_interop.py GATEWAY_BIN MLLP_SEND_BIN REPO_ROOT
Run with /usr/bin/python3: python3-hl7 is a Debian package.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import hl7
import hl7.client

START, END = b"\x0b", b"\x1c\x0d"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strip_block(text, name):
    """Removes the top-level `name { ... }` block of a textproto."""
    m = re.search(r"^%s\s*\{" % name, text, re.M)
    if not m:
        return text
    depth, i = 0, m.end() - 1
    while True:
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[: m.start()] + text[i + 1 :]
        i += 1


def write_config(repo, tmp, grpc_port, mllp_port):
    text = open(os.path.join(repo, "deploy/config/gateway.textproto")).read()
    for block in ("grpc", "store", "mllp"):
        text = strip_block(text, block)
    header = f"""
grpc {{ address: "127.0.0.1:{grpc_port}" allow_insecure: true }}
store {{ data_dir: "{tmp}/data" }}
mllp {{
  address: "127.0.0.1:{mllp_port}"
  allow_plaintext: true
  trusts {{ sending_facility: "RX9" service_ods_code: "TDS01" }}
}}
"""
    path = os.path.join(tmp, "gateway.textproto")
    open(path, "w").write(header + text)
    return path


def wait_for_port(port, proc, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gateway exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gateway did not open its MLLP port")


def example(repo, name):
    data = open(os.path.join(repo, "tests/testdata/hl7v2", name), "rb").read()
    # The files may carry LF for readability; HL7 segments end with CR.
    return re.sub(rb"\r\n|\n|\r", b"\r", data).decode()


def send(client, message):
    data = client.send_message(message)
    while not data.endswith(END):
        more = client.socket.recv(65536)
        if not more:
            break
        data += more
    return data.strip(START).rstrip(END).decode()


failures = []


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def inbound(repo, gateway_bin):
    with tempfile.TemporaryDirectory() as tmp:
        grpc_port, mllp_port = free_port(), free_port()
        config = write_config(repo, tmp, grpc_port, mllp_port)
        log = open(os.path.join(tmp, "gateway.log"), "w")
        proc = subprocess.Popen([gateway_bin, "--config", config],
                                stdout=log, stderr=log)
        try:
            wait_for_port(mllp_port, proc)
            with hl7.client.MLLPClient("127.0.0.1", mllp_port) as client:
                basic = example(repo, "ref_i12_basic.hl7")
                raw = send(client, basic)
                ack = hl7.parse(raw)
                check("REF^I12 basic: python3-hl7 parses the ACK as ACK",
                      str(ack.segment("MSH")[9][0][0]) == "ACK")
                check("REF^I12 basic: commit accepted (CA, enhanced mode)",
                      str(ack.segment("MSA")[1]) == "CA")
                check("REF^I12 basic: MSA-2 echoes MSH-10",
                      str(ack.segment("MSA")[2]) == "MSG000101")
                again = send(client, basic)
                check("resend of MSG000101 gets the identical ACK", again == raw)

                custom = send(client, example(repo, "ref_i12_custom_delims.hl7"))
                ack = hl7.parse(custom)
                check("custom delimiters: ACK written in the sender's #$*!@",
                      custom.startswith("MSH#$*!@#"))
                check("custom delimiters: python3-hl7 reads MSA-1 CA",
                      str(ack.segment("MSA")[1]) == "CA")

                bad = basic.replace("9990000018^", "9990000019^").replace(
                    "MSG000101", "MSG000103")
                ack = hl7.parse(send(client, bad))
                check("wrong check digit: CE (AE in enhanced mode)", str(ack.segment("MSA")[1]) == "CE")
                err = ack.segment("ERR")
                check("wrong check digit: ERR-2 is PID^1^3^1^1",
                      str(err[2]) == "PID^1^3^1^1")
                check("wrong check digit: ERR-3 is 102",
                      str(err[3][0][0]) == "102")
            check("gateway still running", proc.poll() is None)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def outbound(mllp_send_bin):
    received = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def serve():
        conn, _ = server.accept()
        conn.settimeout(10)
        buf = b""
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    return
                if not chunk:
                    return
                buf += chunk
                while END in buf:
                    frame, buf = buf.split(END, 1)
                    assert frame.startswith(START), "frame must start with VT"
                    msg = hl7.parse(frame[1:].decode())
                    received.append(msg)
                    ack = msg.create_ack("AA", message_id="PYACK%d" % len(received))
                    conn.sendall(START + str(ack).encode() + END)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    out = subprocess.run([mllp_send_bin, "--address=127.0.0.1:%d" % port],
                         capture_output=True, text=True, timeout=60)
    t.join(timeout=15)
    server.close()
    check("gateway MllpClient sent three messages and read three ACKs",
          out.returncode == 0 and out.stdout.count("MSA|AA") == 3)
    check("python3-hl7 parsed three messages", len(received) == 3)
    if len(received) != 3:
        print(out.stdout, out.stderr)
        return
    rri, oru, alert = received
    check("RRI^I12: message type", str(rri.segment("MSH")[9]) == "RRI^I12^RRI_I12")
    check("RRI^I12: RF1-1 accepted", str(rri.segment("RF1")[1][0][0]) == "A")
    check("RRI^I12: PID-3 NHS number with type NH",
          str(rri.segment("PID")[3][0][0]) == "9990000018"
          and str(rri.segment("PID")[3][0][4]) == "NH")
    obx = {str(s[3][0][0]): s for s in oru.segments("OBX")}
    check("ORU^R01: QUIT4WK coded QUIT_CO_VERIFIED",
          str(obx["QUIT4WK"][5][0][0]) == "QUIT_CO_VERIFIED")
    check("ORU^R01: CO reading 4 [ppm]",
          str(obx["251900003"][5]) == "4" and str(obx["251900003"][6][0][0]) == "[ppm]")
    note = oru.segment("NTE")[3]
    check("ORU^R01: escaped note unescapes to the original text",
          oru.unescape(str(note)) == "Clozapine prescriber informed | level re-checked")
    check("safety alert: ORU^R01 TDSAFETY naming clozapine",
          str(alert.segment("OBR")[4][0][0]) == "TDSAFETY"
          and "Clozapine" in str(alert.segments("OBX")[0][5]))


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    gateway_bin, mllp_send_bin, repo = sys.argv[1:]
    inbound(repo, gateway_bin)
    outbound(mllp_send_bin)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
