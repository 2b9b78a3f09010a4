// The outcome return (report_builders.h): referrals received, quit dates
// set and what the follow-ups found, by the requested breakdowns.
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "gateway/domain/disclosure_control.h"
#include "gateway/domain/report_builders.h"
#include "gateway/domain/report_grouping.h"

namespace nhs::tobacco::domain {
namespace {

// FollowUpConfig's default 4-week window ends 42 days after the quit date.
constexpr int kDefaultWeek4MaxDays = 42;

enum Column {
  kReceived,
  kQuitDatesSet,
  kQuit4wk,
  kCoVerified4wk,
  kNotQuit4wk,
  kLost4wk,
  kQuit12wk,
  kQuit52wk,
  kColumns,
};
using Counts = std::array<int64_t, kColumns>;

bool IsQuit(v1::OutcomeStatus s) {
  return s == v1::OUTCOME_STATUS_QUIT_SELF_REPORTED ||
         s == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED;
}

bool IsNotQuit(v1::OutcomeStatus s) {
  return s == v1::OUTCOME_STATUS_NOT_QUIT || s == v1::OUTCOME_STATUS_REDUCED ||
         s == v1::OUTCOME_STATUS_RELAPSED;
}

v1::ReportCount* CountField(v1::OutcomeReportRow& row, int column) {
  switch (column) {
    case kReceived:
      return row.mutable_referrals_received();
    case kQuitDatesSet:
      return row.mutable_quit_dates_set();
    case kQuit4wk:
      return row.mutable_quit_4wk_self_reported();
    case kCoVerified4wk:
      return row.mutable_quit_4wk_co_verified();
    case kNotQuit4wk:
      return row.mutable_not_quit_4wk();
    case kLost4wk:
      return row.mutable_lost_to_follow_up_4wk();
    case kQuit12wk:
      return row.mutable_quit_12wk();
    default:
      return row.mutable_quit_52wk();
  }
}

class OutcomeBuilder : public OutcomeReportBuilder {
 public:
  explicit OutcomeBuilder(ReportSpec spec)
      : spec_(std::move(spec)), keys_(&spec_) {
    spec_.reporting = ReportingDefaults(spec_.reporting);
    // The config loader applies the defaults; a spec built by hand may not.
    if (spec_.follow_up.week_4().max_days() <= 0) {
      spec_.follow_up.mutable_week_4()->set_max_days(kDefaultWeek4MaxDays);
    }
  }

  void Add(const ReferralFacts& f) override {
    FactDimensions dims;
    dims.subject = &f.subject;
    dims.route = f.first_route;
    dims.product_kind = f.first_product_kind;
    dims.pharmacy_ods = f.first_pharmacy_ods;
    if (InPeriod(spec_, f.received_on)) {
      dims.day = f.received_on;
      Counts& c = Group(dims);
      ++c[kReceived];
      ++total_[kReceived];
    }
    if (f.quit_date && InPeriod(spec_, *f.quit_date)) {
      dims.day = *f.quit_date;
      Counts& c = Group(dims);
      Counts cohort{};
      cohort[kQuitDatesSet] = 1;
      if (IsQuit(f.outcome_4wk)) cohort[kQuit4wk] = 1;
      if (f.outcome_4wk == v1::OUTCOME_STATUS_QUIT_CO_VERIFIED) {
        cohort[kCoVerified4wk] = 1;
      }
      if (IsNotQuit(f.outcome_4wk)) cohort[kNotQuit4wk] = 1;
      if (f.outcome_4wk == v1::OUTCOME_STATUS_LOST_TO_FOLLOW_UP ||
          (f.outcome_4wk == v1::OUTCOME_STATUS_UNSPECIFIED &&
           *f.quit_date + spec_.follow_up.week_4().max_days() < spec_.as_of)) {
        cohort[kLost4wk] = 1;
      }
      if (IsQuit(f.outcome_12wk)) cohort[kQuit12wk] = 1;
      if (IsQuit(f.outcome_52wk)) cohort[kQuit52wk] = 1;
      for (int i = 0; i < kColumns; ++i) {
        c[i] += cohort[i];
        total_[i] += cohort[i];
      }
    }
  }

  v1::OutcomeReport Finish() override {
    v1::OutcomeReport report;
    FillReportHeader(spec_, report.mutable_header());
    const bool controlled = spec_.disclosure != v1::DISCLOSURE_EXACT;

    DisclosureTable table;
    std::vector<std::array<int, kColumns>> cells;
    std::vector<std::map<std::string, int>> detail_lines;
    std::map<std::string, int> total_line;
    auto add_row = [&](const RowFrame& frame, const Counts& counts) {
      ApplyRowFrame(frame, report.add_rows());
      std::array<int, kColumns> ids;
      std::map<std::string, int> line;
      for (int i = 0; i < kColumns; ++i) {
        ids[i] = table.Add(counts[i]);
        line[std::to_string(i)] = ids[i];
      }
      cells.push_back(ids);
      if (frame.total) {
        total_line = std::move(line);
      } else {
        detail_lines.push_back(std::move(line));
      }
    };
    // Rows sorted by their values; with no breakdown the total is the only
    // row.
    std::vector<std::pair<GroupKey, const Counts*>> sorted;
    if (!spec_.by.empty()) {
      for (const auto& [key, counts] : groups_) {
        sorted.emplace_back(keys_.Values(key), &counts);
      }
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, counts] : sorted) {
      add_row(MakeRowFrame(spec_, key), *counts);
    }
    add_row(TotalRowFrame(spec_), total_);

    if (controlled) {
      AddColumnLines(table, detail_lines, total_line);
      table.Apply(spec_.reporting);
    }
    for (int r = 0; r < report.rows_size(); ++r) {
      v1::OutcomeReportRow& row = *report.mutable_rows(r);
      const auto& ids = cells[r];
      for (int i = 0; i < kColumns; ++i) {
        PublishCount(table.cell(ids[i]), CountField(row, i));
      }
      PublishRate(table.cell(ids[kQuit4wk]), table.cell(ids[kQuitDatesSet]),
                  controlled, row.mutable_quit_rate_4wk());
      PublishRate(table.cell(ids[kCoVerified4wk]), table.cell(ids[kQuit4wk]),
                  controlled, row.mutable_co_verified_share());
    }
    return report;
  }

 private:
  Counts& Group(const FactDimensions& dims) {
    auto [it, inserted] = groups_.try_emplace(keys_.KeyOf(dims));
    if (inserted) it->second.fill(0);
    return it->second;
  }

  ReportSpec spec_;
  GroupKeys keys_;
  absl::flat_hash_map<GroupKeys::Key, Counts> groups_;
  Counts total_{};
};

}  // namespace

std::unique_ptr<OutcomeReportBuilder> NewOutcomeReportBuilder(ReportSpec spec) {
  return std::make_unique<OutcomeBuilder>(std::move(spec));
}

}  // namespace nhs::tobacco::domain
