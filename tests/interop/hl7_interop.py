#!/usr/bin/python3
"""HL7 v2 interop with an independent implementation: Debian's python3-hl7.

One real tobacco-gateway binary, with trust RX9's outbound_address pointing
at an MLLP server run here, plays both directions of a trust's pathway:

Inbound: python3-hl7's MLLPClient sends the reference REF^I12 messages (with
and without a PD1 registered practice) and python3-hl7 parses the ACKs,
their warnings (ERR-4 W) and refusals.
Outbound: tobaccoctl (plaintext gRPC, grpc.allow_insecure: unrestricted)
accepts the referral, recommends treatment for the patient on clozapine and
records a 4-week outcome. The gateway's outbox then delivers RRI^I12, the
safety alert ORU^R01 (OBR-4 TDSAFETY) and the outcome ORU^R01 (TDOUTCOME)
to python3-hl7's asyncio MLLP server (hl7.mllp.start_hl7_server), which
parses each and commit-accepts it; the gateway must list all three as
delivered.

usage: hl7_interop.py GATEWAY_BIN TOBACCOCTL_BIN REPO_ROOT
Run with /usr/bin/python3: python3-hl7 is a Debian package.
"""
import asyncio
import datetime
import json
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
import hl7.mllp

START, END = b"\x0b", b"\x1c\x0d"
TRUST = "RX9"
SERVICE = "TDS01"
# The referral ref_i12_basic.hl7 carries (RF1-6) and its patient (PID-3).
EXTERNAL_REFERRAL_ID = "CMHT-REF-000123"
NHS_NUMBER = "9990000018"
NOTE = "Clozapine prescriber informed | level re-checked"
# The trust's medicine name carries MLLP's frame bytes and NUL (issue 11
# item 8), sent hex-escaped as HL7 allows; the gateway decodes and stores
# them, and must escape them again in the safety alert it sends back.
MEDICINE = "Clozapine 300mg\x0b\x1c\x00 daily"
MEDICINE_HL7 = r"Clozapine 300mg\X0B1C00\ daily"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strip_block(text, name):
    """Removes the top-level `name { ... }` block of a textproto. Braces in
    comments and quoted strings do not count (the sample's comments show
    blocks to uncomment)."""
    m = re.search(r"^%s\s*\{" % name, text, re.M)
    if not m:
        return text
    depth, i = 0, m.end() - 1
    while i < len(text):
        c = text[i]
        if c == "#":
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        if c in "\"'":
            i += 1
            while i < len(text) and text[i] != c:
                i += 2 if text[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return text[: m.start()] + text[i + 1 :]
        i += 1
    raise SystemExit("unbalanced %s block in the sample config" % name)


def write_config(repo, tmp, grpc_port, mllp_port, trust_port):
    text = open(os.path.join(repo, "deploy/config/gateway.textproto")).read()
    # admin: the sample's fixed 127.0.0.1:9464 would clash between tests
    # running at once; the OS picks a port instead.
    for block in ("grpc", "store", "mllp", "fhir", "delivery", "admin", "mesh"):
        text = strip_block(text, block)
    # The sample's organisation registry too (one block per organisation):
    # this test's trust is the only one.
    while re.search(r"^organisations\s*\{", text, re.M):
        text = strip_block(text, "organisations")
    # Short backoff so a missed first try does not outlast the test's waits.
    header = f"""
grpc {{ address: "127.0.0.1:{grpc_port}" allow_insecure: true }}
store {{ data_dir: "{tmp}/data" }}
admin {{ address: "127.0.0.1:0" }}
mllp {{
  address: "127.0.0.1:{mllp_port}"
  allow_plaintext: true
  trusts {{
    sending_facility: "{TRUST}"
    service_ods_code: "{SERVICE}"
    outbound_address: "127.0.0.1:{trust_port}"
  }}
}}
delivery {{
  initial_backoff_ms: 200
  max_backoff_ms: 1000
  poll_interval_ms: 50
  mllp_ack_timeout_ms: 5000
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
    raise SystemExit("gateway did not open port %d" % port)


def eventually(done, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if done():
            return True
        time.sleep(0.1)
    return done()


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


class TrustEngine:
    """Trust RX9's integration engine: python3-hl7's asyncio MLLP server on
    its own thread. Parses every message, records it and answers as HL7
    says: a commit accept (CA) when MSH-15 asks for enhanced-mode
    acknowledgments, an application accept (AA) otherwise."""

    def __init__(self):
        self.received = []  # hl7.Message, in arrival order
        self.errors = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise SystemExit("the python3-hl7 MLLP server did not start")

    def _run(self):
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            hl7.mllp.start_hl7_server(self._serve, "127.0.0.1", 0,
                                      encoding="utf-8"))
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader, writer):
        try:
            while not reader.at_eof():
                try:
                    message = await reader.readmessage()
                except asyncio.IncompleteReadError:
                    break  # the gateway closed a pooled connection
                with self._lock:
                    self.received.append(message)
                    n = len(self.received)
                enhanced = str(message.segment("MSH")[15]) != ""
                writer.writemessage(message.create_ack(
                    "CA" if enhanced else "AA", message_id="PYACK%d" % n))
                await writer.drain()
        except Exception as e:  # reported by the test, not lost in asyncio
            with self._lock:
                self.errors.append(repr(e))
        finally:
            writer.close()

    def messages(self):
        with self._lock:
            return list(self.received)

    def stop(self):
        def close():
            self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(close)
        self._thread.join(10)


class Ctl:
    """tobaccoctl against the gateway's plaintext gRPC port."""

    def __init__(self, binary, grpc_port):
        self.base = [binary, "--target", "127.0.0.1:%d" % grpc_port]

    def run(self, *args, as_json=True, timeout=30):
        cmd = self.base + (["--json"] if as_json else []) + list(args)
        out = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError("tobaccoctl %s failed (%d): %s%s" % (
                " ".join(args), out.returncode, out.stdout, out.stderr))
        return json.loads(out.stdout) if as_json else out.stdout


def inbound(repo, mllp_port):
    with hl7.client.MLLPClient("127.0.0.1", mllp_port) as client:
        # The patient consents to sharing with the mental health team:
        # every message back to the trust needs it (issue 12).
        basic = example(repo, "ref_i12_basic.hl7").replace(
            "CLOZ^Clozapine 300mg daily^L", "CLOZ^%s^L" % MEDICINE_HL7).replace(
            "\rNTE|", "\rOBX|6|CE|CONSENT^Consent to share^L||"
            "MHT^Mental health team^L||||||F\rNTE|", 1)
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
        check("wrong check digit: CE (AE in enhanced mode)",
              str(ack.segment("MSA")[1]) == "CE")
        err = ack.segment("ERR")
        check("wrong check digit: ERR-2 is PID^1^3^1^1",
              str(err[2]) == "PID^1^3^1^1")
        check("wrong check digit: ERR-3 is 102", str(err[3][0][0]) == "102")

        # The registered practice (issue 12): the reference message has no
        # PD1, so its accept carries a warning (ERR-4 W), not a refusal...
        ack = hl7.parse(raw)
        err = ack.segment("ERR")
        check("no PD1: still accepted, ERR-2 PD1^1^3 with severity W",
              str(err[2]) == "PD1^1^3" and str(err[4]) == "W")
        # ... a REF^I12 with PD1 (XON.10 an ODS code) has none ...
        with_pd1 = basic.replace("MSG000101", "MSG000104").replace(
            EXTERNAL_REFERRAL_ID, "CMHT-REF-PD1").replace(
            "\rDG1|", "\rPD1|||Sample Surgery^^^^^^^^^Y90001\rDG1|")
        ack = hl7.parse(send(client, with_pd1))
        check("REF^I12 with PD1: commit accepted without ERR",
              str(ack.segment("MSA")[1]) == "CA" and
              not any(str(s[0]) == "ERR" for s in ack))
        # ... and one whose PD1-3 is not an ODS code gets a data type warning.
        bad_pd1 = with_pd1.replace("MSG000104", "MSG000105").replace(
            "CMHT-REF-PD1", "CMHT-REF-PD1B").replace("^Y90001", "^not ods")
        ack = hl7.parse(send(client, bad_pd1))
        err = ack.segment("ERR")
        check("REF^I12 with a PD1 that is not ODS: CA, ERR-3 102 severity W",
              str(ack.segment("MSA")[1]) == "CA" and
              str(err[3][0][0]) == "102" and str(err[4]) == "W")
        # A broken MSH (no MSH-12) is CR, never ERR-3 207 (never resent).
        no_version = with_pd1.replace("MSG000104", "MSG000106").replace(
            "|P|2.5.1|", "|P||")
        ack = hl7.parse(send(client, no_version))
        check("MSH without a version: CR with ERR-3 101, not 207",
              str(ack.segment("MSA")[1]) == "CR" and
              str(ack.segment("ERR")[3][0][0]) == "101")


def drive_pathway(ctl, engine):
    """Accepts the trust's referral, recommends, records an outcome;
    returns the referral id."""
    referrals = ctl.run("referrals", "list", "--ods", TRUST)
    ids = [r["referralId"] for r in referrals.get("referrals", [])
           if r.get("externalReferralId") == EXTERNAL_REFERRAL_ID]
    check("the REF^I12 became exactly one referral", len(ids) == 1)
    if len(ids) != 1:
        return None
    referral = ids[0]
    # A referral received but not yet answered owes the trust nothing.
    time.sleep(0.5)
    check("nothing is sent to the trust before the referral is answered",
          engine.messages() == [])

    ctl.run("referrals", "set-status", referral, "accepted",
            "--actor-ods", SERVICE)
    # The patient takes clozapine (REF^I12 OBX PSYMED): treatment starting
    # owes the trust's prescriber a safety alert. The service supplies
    # itself, so no GP or pharmacy is involved.
    ctl.run("prescriptions", "recommend", "--referral", referral,
            "--product", "nrt-patch-21mg-24h",
            "--dose", "Apply ONE patch each morning", "--quantity", "28",
            "--unit", "patch", "--duration-days", "28",
            "--route", "service_supply", "--target-ods", SERVICE,
            "--practitioner", "12A3456B", "--practitioner-register", "nmc")
    today = datetime.date.today()
    # Issue 12: the outcome counts from the quit date record.
    ctl.run("referrals", "quit-date", referral,
            (today - datetime.timedelta(days=30)).isoformat(),
            "--actor-ods", SERVICE)
    ctl.run("outcomes", "record", "--referral", referral, "--follow-up", "4",
            "--status", "quit_co_verified", "--co-ppm", "4",
            "--quit-date", (today - datetime.timedelta(days=30)).isoformat(),
            "--recorded-on", today.isoformat(), "--note", NOTE,
            "--actor-ods", SERVICE)
    return referral


def outbound(ctl, engine, referral):
    def delivered():
        listed = ctl.run("deliveries", "list", "--state", "delivered",
                         "--destination", TRUST)
        return listed.get("deliveries", [])

    # RRI^I12, the safety alerts where levels move (treatment starts, the
    # quit date) and the outcome.
    got_all = eventually(lambda: len(engine.messages()) >= 4
                         and len(delivered()) >= 4)
    received = engine.messages()
    check("python3-hl7's server parsed four messages from the gateway",
          got_all and len(received) == 4)
    check("python3-hl7's server saw no framing or parse errors",
          engine.errors == [])
    if len(received) != 4:
        for m in received:
            print(str(m).replace("\r", "\n"))
        print(ctl.run("deliveries", "list", as_json=False))
        return

    # Messages about one referral leave in the order they were caused.
    rri, alert, quit_alert, oru = received
    for name, msg in (("RRI^I12", rri), ("safety alert", alert),
                      ("quit date safety alert", quit_alert),
                      ("ORU^R01", oru)):
        msh = msg.segment("MSH")
        check("%s: MSH-10 is 20 hex digits" % name,
              re.fullmatch(r"[0-9a-f]{20}", str(msh[10])) is not None)
        check("%s: MSH-6 names the trust" % name, str(msh[6]) == TRUST)
        check("%s: MSH-15 AL asks for a commit ACK" % name,
              str(msh[15]) == "AL")
        check("%s: PID-3 NHS number with type NH" % name,
              str(msg.segment("PID")[3][0][0]) == NHS_NUMBER
              and str(msg.segment("PID")[3][0][4]) == "NH")

    check("RRI^I12: message type", str(rri.segment("MSH")[9]) == "RRI^I12^RRI_I12")
    rf1 = rri.segment("RF1")
    check("RRI^I12: RF1-1 accepted", str(rf1[1][0][0]) == "A")
    check("RRI^I12: RF1-6 is the trust's own referral id",
          str(rf1[6]) == "%s^%s" % (EXTERNAL_REFERRAL_ID, TRUST))
    check("RRI^I12: RF1-11 is the gateway's referral id",
          str(rf1[11][0][0]) == referral)

    check("safety alert: ORU^R01 OBR-4 TDSAFETY",
          str(alert.segment("MSH")[9][0][0]) == "ORU"
          and str(alert.segment("OBR")[4][0][0]) == "TDSAFETY")
    check("quit date safety alert: ORU^R01 OBR-4 TDSAFETY",
          str(quit_alert.segment("OBR")[4][0][0]) == "TDSAFETY")
    check("safety alert: names clozapine",
          "Clozapine" in str(alert.segments("OBX")[0][5]))
    controls = sorted({"%02X" % ord(c) for c in str(alert)
                       if ord(c) < 0x20 and c != "\r"})
    check("safety alert: no control byte but CR on the wire (found %s)"
          % ",".join(controls), controls == [])
    check("safety alert: the medicine name unescapes to what the trust sent",
          alert.unescape(str(alert.segments("OBX")[0][5][0][1])) == MEDICINE)
    # The alert is a record: our CA makes it SENT, never ACKNOWLEDGED (only
    # a person acknowledges), and OBR-20 names it for the acknowledgement.
    records = []
    eventually(lambda: records.extend(
        [a for a in ctl.run("safety-alerts", "list", "--referral",
                            referral).get("alerts", [])
         if a.get("state") == "SAFETY_ALERT_STATE_SENT"]) or bool(records))
    check("safety alert: the record is SENT on our CA, not acknowledged",
          len(records) >= 1 and "acknowledgedAt" not in records[0]
          and "acknowledgedBy" not in records[0])
    alert_ids = {a["alertId"] for a in ctl.run(
        "safety-alerts", "list", "--referral", referral).get("alerts", [])}
    check("safety alerts: OBR-20 names each alert's id to acknowledge",
          len(alert_ids) == 2
          and {str(alert.segment("OBR")[20]),
               str(quit_alert.segment("OBR")[20])} == alert_ids)

    check("outcome: ORU^R01 OBR-4 TDOUTCOME",
          str(oru.segment("MSH")[9]) == "ORU^R01^ORU_R01"
          and str(oru.segment("OBR")[4][0][0]) == "TDOUTCOME")
    obx = {str(s[3][0][0]): s for s in oru.segments("OBX")}
    check("outcome: QUIT4WK coded QUIT_CO_VERIFIED",
          "QUIT4WK" in obx
          and str(obx["QUIT4WK"][5][0][0]) == "QUIT_CO_VERIFIED")
    check("outcome: CO reading 4 [ppm]",
          "251900003" in obx and str(obx["251900003"][5]) == "4"
          and str(obx["251900003"][6][0][0]) == "[ppm]")
    note = oru.segment("NTE")[3]
    check("outcome: escaped note unescapes to the original text",
          oru.unescape(str(note)) == NOTE)

    # The gateway counts them delivered on our CA, each on its first try,
    # and MSH-10 is the first 20 hex digits of the message id it lists.
    listed = delivered()
    kinds = {d["kind"]: d for d in listed}
    check("the gateway lists the three as DELIVERED to RX9",
          sorted(kinds) == ["MESSAGE_KIND_REFERRAL_RESPONSE",
                            "MESSAGE_KIND_SAFETY_ALERT",
                            "MESSAGE_KIND_TRUST_OUTCOME"])
    check("each was delivered on the first try",
          all(d.get("attempts") == 1 for d in listed))
    pending = ctl.run("deliveries", "list", "--state", "pending")
    dead = ctl.run("deliveries", "list", "--state", "dead")
    check("nothing pending or dead",
          not pending.get("deliveries") and not dead.get("deliveries"))
    for kind, msg in (("MESSAGE_KIND_REFERRAL_RESPONSE", rri),
                      ("MESSAGE_KIND_SAFETY_ALERT", alert),
                      ("MESSAGE_KIND_TRUST_OUTCOME", oru)):
        if kind in kinds:
            hex_id = kinds[kind]["messageId"].replace("-", "")
            check("%s: MSH-10 is the first 20 hex digits of its message id"
                  % kind, str(msg.segment("MSH")[10]) == hex_id[:20])


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    gateway_bin, ctl_bin, repo = sys.argv[1:]
    engine = TrustEngine()
    with tempfile.TemporaryDirectory() as tmp:
        grpc_port, mllp_port = free_port(), free_port()
        config = write_config(repo, tmp, grpc_port, mllp_port, engine.port)
        log_path = os.path.join(tmp, "gateway.log")
        log = open(log_path, "w")
        proc = subprocess.Popen([gateway_bin, "--config", config],
                                stdout=log, stderr=log)
        try:
            wait_for_port(mllp_port, proc)
            wait_for_port(grpc_port, proc)
            inbound(repo, mllp_port)
            ctl = Ctl(ctl_bin, grpc_port)
            referral = drive_pathway(ctl, engine)
            if referral:
                outbound(ctl, engine, referral)
            check("gateway still running", proc.poll() is None)
        except Exception as e:
            check("no unexpected error: %r" % e, False)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            engine.stop()
            if failures:
                print("--- gateway log")
                print(open(log_path).read())
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
