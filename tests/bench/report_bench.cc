// reports (issue 14): the outcome return and pathway performance over one
// year of generated data, timed; never fails on speed.
//
// The data (referrals with their quit dates, prescription requests and
// outcomes, and a few dead letters) is generated and written by bulk insert
// through the store port (WriteTransaction, large batches), not through the
// API. By default a small data set that runs in seconds (ctest's `bench`
// label); the 1,000,000-referral data set only when asked:
//
//   TOBACCO_REPORT_BENCH_REFERRALS=1000000
//   build/default/tests/bench/report_bench
//
// It checks free disk space first and refuses politely when short. With
// TOBACCO_REPORT_BENCH_KEEP=1 the database is kept (and reused by the next
// run asking for the same number of referrals).
//
// Timed, each over the whole year: (a) the store's scans alone, aggregated
// over three breakdowns; (b) the full use cases (ReportPathway:
// GetOutcomeReport and GetPathwayReport in-process) over three
// breakdowns; (c) the same outcome return written as plain SQL and run by
// the `sqlite3` command-line shell on the same database file.
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/common/clock.h"
#include "gateway/common/status_macros.h"
#include "gateway/domain/deadline_policy.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/report_builders.h"
#include "gateway/domain/report_facts.h"
#include "gateway/domain/timestamps.h"
#include "gateway/pathway/audited_write.h"
#include "gateway/pathway/caller.h"
#include "gateway/pathway/report_pathway.h"
#include "gateway/security/audit_chain.h"
#include "gateway/security/principal.h"
#include "gateway/store/store.h"

ABSL_FLAG(int64_t, referrals, 0,
          "referrals to generate (0: $TOBACCO_REPORT_BENCH_REFERRALS, else "
          "2000)");
ABSL_FLAG(std::string, dir, "",
          "where the database goes (default: a directory under $TMPDIR)");
ABSL_FLAG(int, batch, 5000, "referrals per write transaction");

namespace nhs::tobacco::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The financial year 2025-26, Europe/London.
const absl::CivilDay kFrom(2025, 4, 1);
const absl::CivilDay kTo(2026, 3, 31);
constexpr int kServices = 12;
constexpr int kPractices = 600;
constexpr int kPharmacies = 300;
// What one referral takes on disk with its records and indexes (measured
// at about 3 KB; doubled for the WAL and headroom).
constexpr int64_t kBytesPerReferral = 6 * 1024;

std::string Code(const char* prefix, int n, int width) {
  return absl::StrFormat("%s%0*d", prefix, width, n);
}

// One referral and everything about it, generated from `rng`.
struct Generated {
  v1::Referral referral;
  std::optional<v1::QuitDate> quit_date;
  std::vector<v1::PrescriptionRequest> prescriptions;
  std::vector<v1::Outcome> outcomes;
  std::optional<store::OutboxRow> dead_letter;
};

class Generator {
 public:
  Generator(uint64_t seed, int64_t total) : rng_(seed), total_(total) {}

  Generated Next(int64_t n) {
    Generated g;
    const std::string id = absl::StrFormat("ref-%08d", n);
    const absl::Time year_start =
        absl::FromCivil(absl::CivilSecond(kFrom), domain::LondonZone());
    // In the order they arrive, as a live gateway writes them (and so
    // its indexes grow at their ends rather than everywhere at once).
    const absl::Time created =
        year_start +
        absl::Seconds(n * (365 * 86400 - 60) / total_ + Uniform(0, 59));
    v1::Referral& r = g.referral;
    r.set_referral_id(id);
    r.mutable_patient()->set_nhs_number(
        absl::StrFormat("9%09d", n % 1000000000));
    r.mutable_referrer()->set_ods_code(Code("RX", Uniform(1, 30), 2));
    r.mutable_service()->set_ods_code(Code("TDS", Uniform(1, kServices), 2));
    r.mutable_gp_practice()->set_ods_code(
        Code("Y9", Uniform(1, kPractices), 4));
    r.set_source(static_cast<v1::ReferralSource>(Uniform(1, 9)));
    r.mutable_mental_health()->set_smi(Chance(0.4));
    r.mutable_mental_health()->set_diagnosis_category(
        static_cast<v1::DiagnosisCategory>(Uniform(1, 10)));
    r.mutable_consent()->set_share_with_gp(Chance(0.85));
    r.set_status(v1::REFERRAL_STATUS_ACCEPTED);
    *r.mutable_created_at() = domain::ToTimestamp(created);
    *r.mutable_updated_at() = r.created_at();
    r.set_version(1);

    if (Chance(0.7)) {
      v1::QuitDate q;
      q.set_quit_date_id(absl::StrFormat("qd-%08d", n));
      q.set_referral_id(id);
      const absl::CivilDay day = domain::LondonDay(created) + Uniform(3, 14);
      q.set_quit_date(domain::IsoDay(day));
      q.mutable_set_by()->mutable_organisation()->set_ods_code(
          r.service().ods_code());
      *q.mutable_set_at() = domain::ToTimestamp(created + absl::Hours(1));
      *r.mutable_quit_date() = q;
      g.quit_date = q;
      AddOutcomes(g, day);
    }
    const int requests = Chance(0.85) ? (Chance(0.15) ? 2 : 1) : 0;
    for (int k = 0; k < requests; ++k) {
      g.prescriptions.push_back(
          Prescription(r, absl::StrFormat("rx-%08d-%d", n, k),
                       created + absl::Hours(Uniform(1, 72))));
    }
    if (Chance(0.001)) {
      store::OutboxRow row;
      row.message.set_message_id(absl::StrFormat("msg-%08d", n));
      row.message.set_destination_ods(r.gp_practice().ods_code());
      row.message.set_referral_id(id);
      row.delivery.set_message_id(row.message.message_id());
      row.delivery.set_destination_ods(row.message.destination_ods());
      row.delivery.set_referral_id(id);
      row.delivery.set_state(v1::DELIVERY_STATE_DEAD_LETTER);
      *row.delivery.mutable_created_at() = r.created_at();
      *row.delivery.mutable_updated_at() = r.created_at();
      *row.delivery.mutable_next_attempt_at() = r.created_at();
      g.dead_letter = std::move(row);
    }
    return g;
  }

 private:
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  void AddOutcomes(Generated& g, absl::CivilDay quit) {
    struct Point {
      v1::FollowUpPoint point;
      int days;
      double recorded;
    };
    for (const Point& p : {Point{v1::FOLLOW_UP_POINT_WEEK_4, 28, 0.8},
                           Point{v1::FOLLOW_UP_POINT_WEEK_12, 84, 0.4},
                           Point{v1::FOLLOW_UP_POINT_WEEK_52, 364, 0.2}}) {
      if (!Chance(p.recorded)) continue;
      v1::Outcome o;
      o.set_outcome_id(absl::StrCat("out-", g.referral.referral_id(), "-",
                                    static_cast<int>(p.point)));
      o.set_referral_id(g.referral.referral_id());
      o.set_follow_up(p.point);
      static constexpr v1::OutcomeStatus kStatuses[] = {
          v1::OUTCOME_STATUS_QUIT_SELF_REPORTED,
          v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
          v1::OUTCOME_STATUS_QUIT_CO_VERIFIED,
          v1::OUTCOME_STATUS_NOT_QUIT,
          v1::OUTCOME_STATUS_REDUCED,
          v1::OUTCOME_STATUS_RELAPSED,
          v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP};
      o.set_status(kStatuses[Uniform(0, 6)]);
      if (o.status() == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED) {
        o.set_co_reading_ppm(4);
      }
      const absl::CivilDay on = quit + p.days + Uniform(0, 7);
      o.set_quit_date(domain::IsoDay(quit));
      o.set_recorded_on(domain::IsoDay(on));
      *o.mutable_created_at() = domain::ToTimestamp(absl::FromCivil(
          absl::CivilSecond(on) + 15 * 3600, domain::LondonZone()));
      g.outcomes.push_back(std::move(o));
    }
  }

  v1::PrescriptionRequest Prescription(const v1::Referral& r,
                                       const std::string& id,
                                       absl::Time created) {
    v1::PrescriptionRequest p;
    p.set_prescription_id(id);
    p.set_referral_id(r.referral_id());
    *p.mutable_patient() = r.patient();
    p.mutable_product()->set_kind(static_cast<v1::ProductKind>(Uniform(1, 5)));
    const int64_t route_pick = Uniform(1, 10);
    const v1::Route route = route_pick <= 5   ? v1::ROUTE_GP_PRESCRIPTION
                            : route_pick <= 9 ? v1::ROUTE_PHARMACY_SUPPLY
                                              : v1::ROUTE_SERVICE_SUPPLY;
    p.set_route(route);
    *p.mutable_service() = r.service();
    *p.mutable_gp_practice() = r.gp_practice();
    const std::string pharmacy = Code("FA", Uniform(1, kPharmacies), 3);
    if (route == v1::ROUTE_GP_PRESCRIPTION) {
      *p.mutable_target() = r.gp_practice();
      p.mutable_nominated_pharmacy()->set_ods_code(pharmacy);
    } else if (route == v1::ROUTE_PHARMACY_SUPPLY) {
      p.mutable_target()->set_ods_code(pharmacy);
    } else {
      *p.mutable_target() = r.service();
    }
    *p.mutable_created_at() = domain::ToTimestamp(created);
    absl::Time t = created;
    auto later = [&](int lo_hours, int hi_hours) {
      t += absl::Hours(Uniform(lo_hours, hi_hours));
      return domain::ToTimestamp(t);
    };
    // Where the request ended up.
    const int64_t fate = Uniform(1, 100);
    v1::PrescriptionStatus status = v1::PRESCRIPTION_STATUS_SENT;
    if (fate <= 3) {
      status = v1::PRESCRIPTION_STATUS_RECOMMENDED;
      p.set_first_overdue_waiting_on("GATEWAY");
    } else if (route == v1::ROUTE_GP_PRESCRIPTION) {
      *p.mutable_acknowledged_at() = later(2, 72);
      if (fate <= 10) {
        status = v1::PRESCRIPTION_STATUS_DECLINED;
        static const char* kReasons[] = {"CLINICAL_CONTRAINDICATION",
                                         "PATIENT_DECLINED", "NOT_REGISTERED"};
        p.set_status_reason(kReasons[Uniform(0, 2)]);
      } else if (fate <= 15) {
        status = v1::PRESCRIPTION_STATUS_ACKNOWLEDGED;
        p.set_first_overdue_waiting_on(p.target().ods_code());
      } else {
        *p.mutable_prescribed_or_supplied_at() = later(4, 120);
        status = v1::PRESCRIPTION_STATUS_PRESCRIBED;
        if (fate <= 85) {
          *p.mutable_dispensed_at() = later(2, 96);
          status = v1::PRESCRIPTION_STATUS_DISPENSED;
        }
      }
    } else {
      if (fate <= 8) {
        status = v1::PRESCRIPTION_STATUS_NOT_SUPPLIED;
        p.set_status_reason(Chance(0.5) ? "OUT_OF_STOCK" : "NOT_SUITABLE");
      } else if (fate <= 12) {
        status = v1::PRESCRIPTION_STATUS_SENT;
        p.set_first_overdue_waiting_on(p.target().ods_code());
      } else {
        *p.mutable_acknowledged_at() = later(1, 24);
        *p.mutable_prescribed_or_supplied_at() = later(1, 72);
        status = v1::PRESCRIPTION_STATUS_SUPPLIED;
      }
    }
    p.set_status(status);
    *p.mutable_updated_at() = domain::ToTimestamp(t);
    p.set_version(1);
    return p;
  }

  std::mt19937_64 rng_;
  int64_t total_;
};

int64_t ReferralsWanted() {
  int64_t n = absl::GetFlag(FLAGS_referrals);
  if (n > 0) return n;
  if (const char* env = std::getenv("TOBACCO_REPORT_BENCH_REFERRALS")) {
    if (absl::SimpleAtoi(env, &n) && n > 0) return n;
  }
  return 2000;
}

bool Keep() {
  const char* env = std::getenv("TOBACCO_REPORT_BENCH_KEEP");
  return env != nullptr && std::string(env) == "1";
}

absl::StatusOr<int64_t> CountReferrals(store::Store& store) {
  int64_t n = 0;
  absl::Status s = store.Read([&](store::ReadTransaction& tx) {
    store::ReportScan all;
    all.from = absl::CivilDay(1970, 1, 1);
    all.to = absl::CivilDay(2999, 12, 31);
    // A received-in-any-day scan counts each referral once.
    return tx.ScanReferralFacts(all, [&](const domain::ReferralFacts&) {
      ++n;
      return absl::OkStatus();
    });
  });
  if (!s.ok()) return s;
  return n;
}

absl::Status Generate(store::Store& store, int64_t n, int batch) {
  Generator gen(14, n);
  const Clock::time_point start = Clock::now();
  for (int64_t done = 0; done < n;) {
    const int64_t count = std::min<int64_t>(batch, n - done);
    std::vector<Generated> rows;
    rows.reserve(count);
    for (int64_t k = 0; k < count; ++k) rows.push_back(gen.Next(done + k));
    absl::Status s = store.WriteAndWait(
        [&rows](store::WriteTransaction& tx) -> absl::Status {
          for (const Generated& g : rows) {
            if (absl::Status s = tx.InsertReferral(g.referral); !s.ok()) {
              return s;
            }
            if (g.quit_date.has_value()) {
              if (absl::Status s = tx.InsertQuitDate(*g.quit_date); !s.ok()) {
                return s;
              }
            }
            for (const auto& p : g.prescriptions) {
              if (absl::Status s = tx.InsertPrescription(p); !s.ok()) return s;
            }
            for (const auto& o : g.outcomes) {
              if (absl::Status s = tx.InsertOutcome(o); !s.ok()) return s;
            }
            if (g.dead_letter.has_value()) {
              if (absl::Status s = tx.InsertOutboxMessage(*g.dead_letter);
                  !s.ok()) {
                return s;
              }
            }
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    done += count;
    if (n >= 100000 && done % 100000 == 0) {
      std::cerr << "report_bench: generated " << done << " referrals in "
                << absl::StrFormat("%.0f", Seconds(start)) << " s\n";
    }
  }
  std::cout << absl::StrFormat(
      "report_bench: generated %d referrals (one year) in %.1f s\n", n,
      Seconds(start));
  return absl::OkStatus();
}

// NHS financial quarter of a day, 1..4 (April-June = 1).
int Quarter(absl::CivilDay d) { return (d.month() + 8) % 12 / 3 + 1; }

std::string LoadNow() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return absl::StrCat(a, " ", b, " ", c);
}

// (a) The scans alone, each fact added to a hash map over three
// breakdowns (what a builder does at the least).
absl::Status TimeScans(store::Store& store, const store::ReportScan& scan,
                       absl::string_view label) {
  {
    absl::flat_hash_map<int64_t, std::array<int64_t, 4>> groups;
    int64_t facts = 0;
    const Clock::time_point start = Clock::now();
    absl::Status s = store.Read([&](store::ReadTransaction& tx) {
      return tx.ScanReferralFacts(scan, [&](const domain::ReferralFacts& f) {
        ++facts;
        const int64_t key = f.subject.source * 1000 + f.first_route * 10 +
                            Quarter(f.received_on);
        auto& g = groups[key];
        g[0] += f.received_on >= scan.from && f.received_on <= scan.to;
        g[1] += f.quit_date.has_value();
        g[2] += f.outcome_4wk == v1::OUTCOME_STATUS_QUIT_SELF_REPORTED ||
                f.outcome_4wk == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED;
        g[3] += f.outcome_4wk == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED;
        return absl::OkStatus();
      });
    });
    if (!s.ok()) return s;
    std::cout << absl::StrFormat(
        "report_bench: (a) %s referral scan: %d facts, %d groups "
        "(source x route x quarter) in %.3f s\n",
        label, facts, groups.size(), Seconds(start));
  }
  {
    absl::flat_hash_map<int64_t, int64_t> groups;
    int64_t facts = 0, dead = 0;
    const Clock::time_point start = Clock::now();
    absl::Status s = store.Read([&](store::ReadTransaction& tx) {
      absl::Status scanned = tx.ScanPrescriptionFacts(
          scan, [&](const domain::PrescriptionFacts& f) {
            ++facts;
            ++groups[f.route * 10000 + f.product_kind * 100 + f.status];
            return absl::OkStatus();
          });
      if (!scanned.ok()) return scanned;
      return tx.ScanDeadLetterFacts(scan, [&](const domain::DeadLetterFacts&) {
        ++dead;
        return absl::OkStatus();
      });
    });
    if (!s.ok()) return s;
    std::cout << absl::StrFormat(
        "report_bench: (a) %s prescription + dead-letter scans: %d + %d "
        "facts, %d groups (route x product kind x status) in %.3f s\n",
        label, facts, dead, groups.size(), Seconds(start));
  }
  return absl::OkStatus();
}

// (c) The outcome return by source, route and quarter as plain SQL, run by
// the sqlite3 shell on the same file. Written as one would by hand over the
// reporting columns: the referrals received in the period (their quarter
// by received_on), the cohort of quit dates in the period among them and
// among referrals received before (their quarter by quit_date). The unary
// `+` keeps a range as a filter, so each part reads the index meant for it.
constexpr char kOutcomeSql[] = R"sql(
SELECT source, first_route, quarter,
  SUM(received) AS referrals_received,
  SUM(cohort) AS quit_dates_set,
  SUM(cohort AND outcome_4wk IN (1, 2)) AS quit_4wk_self_reported,
  SUM(cohort AND outcome_4wk = 2) AS quit_4wk_co_verified,
  SUM(cohort AND outcome_4wk IN (3, 4, 5)) AS not_quit_4wk,
  SUM(cohort AND outcome_4wk = 6) AS lost_to_follow_up_4wk,
  SUM(cohort AND outcome_12wk IN (1, 2)) AS quit_12wk,
  SUM(cohort AND outcome_52wk IN (1, 2)) AS quit_52wk
FROM (
  SELECT source, first_route,
         (CAST(substr(received_on, 6, 2) AS INTEGER) + 8) % 12 / 3 + 1
           AS quarter,
         1 AS received, 0 AS cohort, outcome_4wk, outcome_12wk, outcome_52wk
    FROM referrals WHERE received_on BETWEEN '2025-04-01' AND '2026-03-31'
  UNION ALL
  SELECT source, first_route,
         (CAST(substr(quit_date, 6, 2) AS INTEGER) + 8) % 12 / 3 + 1,
         0, 1, outcome_4wk, outcome_12wk, outcome_52wk
    FROM referrals WHERE received_on BETWEEN '2025-04-01' AND '2026-03-31'
     AND +quit_date BETWEEN '2025-04-01' AND '2026-03-31'
  UNION ALL
  SELECT source, first_route,
         (CAST(substr(quit_date, 6, 2) AS INTEGER) + 8) % 12 / 3 + 1,
         0, 1, outcome_4wk, outcome_12wk, outcome_52wk
    FROM referrals WHERE quit_date BETWEEN '2025-04-01' AND '2026-03-31'
     AND +received_on NOT BETWEEN '2025-04-01' AND '2026-03-31'
)
GROUP BY source, first_route, quarter
ORDER BY source, first_route, quarter;
)sql";

void TimeSqliteShell(const std::filesystem::path& dir) {
  const std::filesystem::path sql = dir / "outcome_return.sql";
  const std::filesystem::path out = dir / "outcome_return.csv";
  {
    std::ofstream f(sql);
    f << ".mode csv\n.headers on\n" << kOutcomeSql;
  }
  const std::string command =
      absl::StrCat("sqlite3 -readonly '", (dir / "gateway.db").string(),
                   "' < '", sql.string(), "' > '", out.string(), "'");
  const Clock::time_point start = Clock::now();
  const int rc = std::system(command.c_str());
  const double seconds = Seconds(start);
  if (rc != 0) {
    std::cout << "report_bench: (c) the sqlite3 shell is not installed or "
                 "failed (exit "
              << rc << "); skipped\n";
    return;
  }
  int lines = 0;
  std::ifstream in(out);
  for (std::string line; std::getline(in, line);) ++lines;
  std::cout << absl::StrFormat(
      "report_bench: (c) sqlite3 shell, outcome return as plain SQL (source "
      "x route x quarter): %d rows in %.3f s\n",
      lines > 0 ? lines - 1 : 0, seconds);
}

// England and Wales bank holidays in the year.
v1::DeadlineConfig Calendar() {
  v1::DeadlineConfig config;
  for (const char* day :
       {"2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
        "2026-01-01", "2026-04-03", "2026-04-06"}) {
    config.add_bank_holidays(day);
  }
  return config;
}

const std::vector<std::vector<v1::ReportBreakdown>>& Breakdowns(bool outcomes) {
  static const auto* kOutcomes =
      new std::vector<std::vector<v1::ReportBreakdown>>{
          {v1::REPORT_BREAKDOWN_SOURCE, v1::REPORT_BREAKDOWN_ROUTE,
           v1::REPORT_BREAKDOWN_QUARTER},
          {v1::REPORT_BREAKDOWN_GP_PRACTICE, v1::REPORT_BREAKDOWN_SMI,
           v1::REPORT_BREAKDOWN_QUARTER}};
  static const auto* kPathway =
      new std::vector<std::vector<v1::ReportBreakdown>>{
          {v1::REPORT_BREAKDOWN_ROUTE, v1::REPORT_BREAKDOWN_PRODUCT_KIND,
           v1::REPORT_BREAKDOWN_QUARTER},
          {v1::REPORT_BREAKDOWN_PHARMACY, v1::REPORT_BREAKDOWN_SERVICE,
           v1::REPORT_BREAKDOWN_QUARTER}};
  return outcomes ? *kOutcomes : *kPathway;
}

std::string Names(const std::vector<v1::ReportBreakdown>& by) {
  std::vector<std::string> names;
  for (v1::ReportBreakdown b : by) {
    std::string name = v1::ReportBreakdown_Name(b);
    names.push_back(
        absl::AsciiStrToLower(absl::StripPrefix(name, "REPORT_BREAKDOWN_")));
  }
  return absl::StrJoin(names, ",");
}

// (b1) The scans feeding the domain's report builders (the use case
// without scoping and audit), controlled disclosure.
absl::Status TimeBuilders(store::Store& store, absl::CivilDay from,
                          absl::CivilDay to) {
  ASSIGN_OR_RETURN(domain::DeadlinePolicy calendar,
                   domain::DeadlinePolicy::FromConfig(Calendar()));
  domain::ReportSpec base;
  base.from = from;
  base.to = to;
  base.as_of = to + 1;
  base.disclosure = v1::DISCLOSURE_CONTROLLED;
  base.reporting = domain::ReportingDefaults(v1::ReportingConfig());
  base.follow_up.mutable_week_4()->set_max_days(42);
  base.calendar = &calendar;
  store::ReportScan scan;
  scan.from = from;
  scan.to = to;
  for (const auto& by : Breakdowns(true)) {
    domain::ReportSpec spec = base;
    spec.by = by;
    const Clock::time_point start = Clock::now();
    auto builder = domain::NewOutcomeReportBuilder(spec);
    RETURN_IF_ERROR(store.Read([&](store::ReadTransaction& tx) {
      return tx.ScanReferralFacts(scan, [&](const domain::ReferralFacts& f) {
        builder->Add(f);
        return absl::OkStatus();
      });
    }));
    const v1::OutcomeReport report = builder->Finish();
    std::cout << absl::StrFormat(
        "report_bench: (b1) scan + builder, outcome return by %s: %d rows "
        "in %.3f s\n",
        Names(by), report.rows_size(), Seconds(start));
  }
  for (const auto& by : Breakdowns(false)) {
    domain::ReportSpec spec = base;
    spec.by = by;
    const Clock::time_point start = Clock::now();
    auto builder = domain::NewPathwayReportBuilder(spec);
    RETURN_IF_ERROR(store.Read([&](store::ReadTransaction& tx) {
      RETURN_IF_ERROR(tx.ScanPrescriptionFacts(
          scan, [&](const domain::PrescriptionFacts& f) {
            builder->Add(f);
            return absl::OkStatus();
          }));
      return tx.ScanDeadLetterFacts(scan,
                                    [&](const domain::DeadLetterFacts& f) {
                                      builder->AddDeadLetter(f);
                                      return absl::OkStatus();
                                    });
    }));
    const v1::PathwayReport report = builder->Finish();
    std::cout << absl::StrFormat(
        "report_bench: (b1) scans + builder, pathway performance by %s: %d "
        "rows in %.3f s\n",
        Names(by), report.rows_size(), Seconds(start));
  }
  return absl::OkStatus();
}

// The organisation registry: names for every organisation, and a quarter
// of the services and practices mapped to ICB "QB1" (the commissioner the
// scoped timings report as).
v1::GatewayConfig Registry() {
  v1::GatewayConfig config;
  auto add = [&config](const std::string& ods, const char* role, bool in_icb) {
    v1::OrganisationConfig* org = config.add_organisations();
    org->set_ods_code(ods);
    org->set_name(absl::StrCat("Organisation ", ods));
    org->set_role(role);
    if (in_icb) org->set_icb_ods_code("QB1");
  };
  for (int k = 1; k <= kServices; ++k) {
    add(Code("TDS", k, 2), "tobacco_service", k <= kServices / 4);
  }
  for (int k = 1; k <= kPractices; ++k) {
    add(Code("Y9", k, 4), "gp", k <= kPractices / 4);
  }
  for (int k = 1; k <= kPharmacies; ++k)
    add(Code("FA", k, 3), "pharmacy", false);
  return config;
}

// (b2) The full use cases in-process (pathway::ReportPathway: validation,
// scoping by the access policy, the builders, the audit row), as the
// development principal (everything) and as an ICB commissioner.
absl::Status TimeUseCases(store::Store& store, absl::CivilDay from,
                          absl::CivilDay to) {
  ASSIGN_OR_RETURN(domain::DeadlinePolicy calendar,
                   domain::DeadlinePolicy::FromConfig(Calendar()));
  const security::AuditKeyRing keys(
      security::AuditKey{"bench", "audit-key-for-the-report-benchmark-only"});
  const RealClock clock;
  pathway::AuditedWrites writes(store, clock, keys);
  pathway::ReportPathway reports(
      writes, pathway::ReportOptions::FromConfig(Registry(), calendar));
  security::Principal icb;
  icb.ods_code = "QB1";
  icb.role = security::Role::kIcbCommissioner;
  for (const auto& [caller, who] :
       {std::pair{pathway::Caller(security::DevelopmentPrincipal(), "bench"),
                  "everything"},
        std::pair{pathway::Caller(icb, "bench"), "ICB QB1"}}) {
    for (bool outcomes : {true, false}) {
      for (const auto& by : Breakdowns(outcomes)) {
        v1::ReportRequest request;
        request.set_from(domain::IsoDay(from));
        request.set_to(domain::IsoDay(to));
        for (v1::ReportBreakdown b : by) request.add_by(b);
        request.set_disclosure(v1::DISCLOSURE_CONTROLLED);
        const Clock::time_point start = Clock::now();
        int rows = 0;
        if (outcomes) {
          ASSIGN_OR_RETURN(v1::OutcomeReport report,
                           reports.GetOutcomeReport(caller, request));
          rows = report.rows_size();
        } else {
          ASSIGN_OR_RETURN(v1::PathwayReport report,
                           reports.GetPathwayReport(caller, request));
          rows = report.rows_size();
        }
        std::cout << absl::StrFormat(
            "report_bench: (b2) ReportPathway.%s as %s by %s: %d rows in "
            "%.3f s\n",
            outcomes ? "GetOutcomeReport" : "GetPathwayReport", who, Names(by),
            rows, Seconds(start));
      }
    }
  }
  return absl::OkStatus();
}

int Run() {
  const int64_t n = ReferralsWanted();
  std::filesystem::path dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    // A kept database has a fixed name (the next run reuses it); a
    // throwaway one its own, so that two runs never share a file.
    dir = std::filesystem::temp_directory_path() /
          (Keep() ? absl::StrCat("tobacco_report_bench_", n)
                  : absl::StrCat("tobacco_report_bench_", n, "_", ::getpid()));
  }
  std::filesystem::create_directories(dir);
  const bool keep = Keep();

  v1::StoreConfig config;
  config.set_data_dir(dir.string());
  auto opened = store::OpenStore(config);
  if (!opened.ok()) {
    std::cerr << "report_bench: cannot open the store: " << opened.status()
              << "\n";
    return 1;
  }
  std::unique_ptr<store::Store> store = std::move(*opened);
  absl::StatusOr<int64_t> have = CountReferrals(*store);
  if (!have.ok()) {
    std::cerr << "report_bench: " << have.status() << "\n";
    return 1;
  }
  if (*have == n) {
    std::cout << "report_bench: reusing the " << n << " referrals in " << dir
              << "\n";
  } else {
    if (*have != 0) {
      std::cerr << "report_bench: " << dir << " holds " << *have
                << " referrals, not " << n
                << "; remove it or choose another --dir\n";
      return 1;
    }
    struct statvfs fs;
    if (::statvfs(dir.c_str(), &fs) == 0) {
      const int64_t free_bytes =
          static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
      const int64_t need = n * kBytesPerReferral + (int64_t{1} << 30);
      if (free_bytes < need) {
        std::cout << absl::StrFormat(
            "report_bench: %d referrals need about %.1f GB free in %s and "
            "only %.1f GB is; not generating them. Free some space or point "
            "--dir elsewhere.\n",
            n, need / 1e9, dir.string(), free_bytes / 1e9);
        store.reset();
        if (!keep) std::filesystem::remove_all(dir);
        return 0;
      }
    }
    if (absl::Status s = Generate(*store, n, absl::GetFlag(FLAGS_batch));
        !s.ok()) {
      std::cerr << "report_bench: generating failed: " << s << "\n";
      return 1;
    }
  }
  // The database with its write-ahead log.
  int64_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::error_code ec;
    if (entry.is_regular_file(ec)) bytes += entry.file_size(ec);
  }
  std::cout << absl::StrFormat(
      "report_bench: database %.2f GB (%.0f bytes per referral); load "
      "average %s on %d cores\n",
      bytes / 1e9, n > 0 ? static_cast<double>(bytes) / n : 0.0, LoadNow(),
      std::thread::hardware_concurrency());

  store::ReportScan year;
  year.from = kFrom;
  year.to = kTo;
  store::ReportScan icb = year;
  // One ICB's organisations: a quarter of the services and practices.
  for (int k = 1; k <= kServices / 4; ++k) {
    icb.ods_codes.push_back(Code("TDS", k, 2));
  }
  for (int k = 1; k <= kPractices / 4; ++k) {
    icb.ods_codes.push_back(Code("Y9", k, 4));
  }
  int rc = 0;
  for (const auto& [scan, label] :
       {std::pair{year, "all"}, std::pair{icb, "one ICB"}}) {
    if (absl::Status s = TimeScans(*store, scan, label); !s.ok()) {
      std::cerr << "report_bench: scan failed: " << s << "\n";
      rc = 1;
    }
  }
  if (absl::Status s = TimeBuilders(*store, kFrom, kTo); !s.ok()) {
    std::cerr << "report_bench: report builders failed: " << s << "\n";
    rc = 1;
  }
  if (absl::Status s = TimeUseCases(*store, kFrom, kTo); !s.ok()) {
    std::cerr << "report_bench: use case failed: " << s << "\n";
    rc = 1;
  }
  TimeSqliteShell(dir);
  std::cout << "report_bench: load average after " << LoadNow() << "\n";
  store.reset();
  if (!keep) std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace nhs::tobacco::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return nhs::tobacco::bench::Run();
}
