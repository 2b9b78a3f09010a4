// Pathway performance (report_builders.h): prescription requests
// recommended in the period, by status, the working days each step took,
// GP declines, pharmacy non-supplies, overdue hot spots and dead letters.
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "gateway/domain/disclosure_control.h"
#include "gateway/domain/london_day.h"
#include "gateway/domain/report_builders.h"
#include "gateway/domain/report_grouping.h"
#include "gateway/domain/working_days.h"

namespace nhs::tobacco::domain {
namespace {

// The three steps timed from recommendation.
enum Step { kAcknowledgement, kPrescriptionOrSupply, kDispense, kSteps };

constexpr absl::string_view kNoReason = "NONE";
constexpr int kStatuses = v1::PrescriptionStatus_ARRAYSIZE;

bool GpDecided(v1::PrescriptionStatus s) {
  return s == v1::PRESCRIPTION_STATUS_PRESCRIBED ||
         s == v1::PRESCRIPTION_STATUS_DISPENSED ||
         s == v1::PRESCRIPTION_STATUS_DECLINED;
}

bool PharmacyDecided(v1::PrescriptionStatus s) {
  return s == v1::PRESCRIPTION_STATUS_SUPPLIED ||
         s == v1::PRESCRIPTION_STATUS_NOT_SUPPLIED;
}

struct Group {
  int64_t requests = 0;
  // Indexed by PrescriptionStatus (an unknown one counts as UNSPECIFIED).
  std::array<int64_t, kStatuses> by_status{};
  std::array<std::vector<int>, kSteps> days;
  int64_t gp_decided = 0;
  int64_t gp_declined = 0;
  std::map<std::string, int64_t> decline_reasons;
  int64_t pharmacy_decided = 0;
  int64_t not_supplied = 0;
  std::map<std::string, int64_t> not_supplied_reasons;
  int64_t went_overdue = 0;

  void Add(const PrescriptionFacts& f,
           const std::array<std::optional<int>, kSteps>& steps) {
    ++requests;
    int status = f.status;
    ++by_status[status >= 0 && status < kStatuses ? status : 0];
    for (int s = 0; s < kSteps; ++s) {
      if (steps[s]) days[s].push_back(*steps[s]);
    }
    absl::string_view reason = f.status_reason.empty()
                                   ? kNoReason
                                   : absl::string_view(f.status_reason);
    if (f.route == v1::ROUTE_GP_PRESCRIPTION && GpDecided(f.status)) {
      ++gp_decided;
      if (f.status == v1::PRESCRIPTION_STATUS_DECLINED) {
        ++gp_declined;
        ++decline_reasons[std::string(reason)];
      }
    }
    if (f.route == v1::ROUTE_PHARMACY_SUPPLY && PharmacyDecided(f.status)) {
      ++pharmacy_decided;
      if (f.status == v1::PRESCRIPTION_STATUS_NOT_SUPPLIED) {
        ++not_supplied;
        ++not_supplied_reasons[std::string(reason)];
      }
    }
    if (!f.first_overdue_waiting_on.empty()) ++went_overdue;
  }
};

// The cells one row registered with the disclosure table.
struct RowCells {
  int requests = -1;
  std::map<int, int> by_status;
  std::array<int, kSteps> reached{};
  int gp_decided = -1;
  int gp_declined = -1;
  std::map<std::string, int> decline_reasons;
  int pharmacy_decided = -1;
  int not_supplied = -1;
  std::map<std::string, int> not_supplied_reasons;
  int went_overdue = -1;
};

class PathwayBuilder : public PathwayReportBuilder {
 public:
  explicit PathwayBuilder(ReportSpec spec)
      : spec_(std::move(spec)), keys_(&spec_), counter_(spec_.calendar) {
    spec_.reporting = ReportingDefaults(spec_.reporting);
  }

  void Add(const PrescriptionFacts& f) override {
    absl::CivilDay day = counter_.DayOf(f.recommended_at);
    if (!InPeriod(spec_, day)) return;
    std::array<std::optional<int>, kSteps> steps;
    const std::optional<absl::Time>* at[kSteps] = {
        &f.acknowledged_at, &f.prescribed_or_supplied_at, &f.dispensed_at};
    for (int s = 0; s < kSteps; ++s) {
      if (*at[s]) steps[s] = counter_.Between(f.recommended_at, **at[s]);
    }
    FactDimensions dims;
    dims.subject = &f.subject;
    dims.route = f.route;
    dims.product_kind = f.product_kind;
    dims.pharmacy_ods = f.pharmacy_ods;
    dims.day = day;
    // With no breakdown the total is the only row.
    if (!spec_.by.empty()) groups_[keys_.KeyOf(dims)].Add(f, steps);
    total_.Add(f, steps);
    if (!f.first_overdue_waiting_on.empty()) {
      ++overdue_by_organisation_[f.first_overdue_waiting_on];
    }
  }

  void AddDeadLetter(const DeadLetterFacts& f) override {
    ++dead_letters_[f.destination_ods.empty() ? std::string(kNoReason)
                                              : f.destination_ods];
  }

  v1::PathwayReport Finish() override {
    v1::PathwayReport report;
    FillReportHeader(spec_, report.mutable_header());
    const bool controlled = spec_.disclosure != v1::DISCLOSURE_EXACT;

    DisclosureTable table;
    std::vector<RowCells> cells;
    std::vector<const Group*> row_groups;
    std::vector<std::pair<GroupKey, const Group*>> sorted;
    for (const auto& [key, group] : groups_) {
      sorted.emplace_back(keys_.Values(key), &group);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, group] : sorted) {
      ApplyRowFrame(MakeRowFrame(spec_, key), report.add_rows());
      cells.push_back(Register(table, *group));
      row_groups.push_back(group);
    }
    ApplyRowFrame(TotalRowFrame(spec_), report.add_rows());
    cells.push_back(Register(table, total_));
    row_groups.push_back(&total_);

    std::vector<std::pair<std::string, int>> overdue_cells;
    for (const auto& [ods, n] : overdue_by_organisation_) {
      overdue_cells.emplace_back(ods, table.Add(n));
    }
    std::vector<std::pair<std::string, int>> dead_letter_cells;
    for (const auto& [ods, n] : dead_letters_) {
      dead_letter_cells.emplace_back(ods, table.Add(n));
    }

    if (controlled) {
      AddLines(table, cells, overdue_cells);
      table.Apply(spec_.reporting);
    }

    for (size_t r = 0; r < cells.size(); ++r) {
      Publish(table, cells[r], *row_groups[r], controlled,
              *report.mutable_rows(static_cast<int>(r)));
    }
    PublishOrganisations(table, overdue_cells,
                         report.mutable_overdue_by_organisation());
    PublishOrganisations(table, dead_letter_cells,
                         report.mutable_dead_letters_by_destination());
    return report;
  }

 private:
  static RowCells Register(DisclosureTable& table, const Group& g) {
    RowCells c;
    c.requests = table.Add(g.requests);
    for (int status = 0; status < kStatuses; ++status) {
      if (g.by_status[status] > 0) {
        c.by_status[status] = table.Add(g.by_status[status]);
      }
    }
    for (int s = 0; s < kSteps; ++s) {
      c.reached[s] = table.Add(static_cast<int64_t>(g.days[s].size()));
    }
    c.gp_decided = table.Add(g.gp_decided);
    c.gp_declined = table.Add(g.gp_declined);
    for (const auto& [code, n] : g.decline_reasons) {
      c.decline_reasons[code] = table.Add(n);
    }
    c.pharmacy_decided = table.Add(g.pharmacy_decided);
    c.not_supplied = table.Add(g.not_supplied);
    for (const auto& [code, n] : g.not_supplied_reasons) {
      c.not_supplied_reasons[code] = table.Add(n);
    }
    c.went_overdue = table.Add(g.went_overdue);
    return c;
  }

  // Every set of published cells a reader knows adds up to another.
  static void AddLines(
      DisclosureTable& table, const std::vector<RowCells>& cells,
      const std::vector<std::pair<std::string, int>>& overdue_cells) {
    auto values = [&](const std::map<std::string, int>& m) {
      std::vector<int> ids;
      for (const auto& [k, id] : m) ids.push_back(id);
      return ids;
    };
    auto status_cells = [](const RowCells& c,
                           std::initializer_list<v1::PrescriptionStatus> ss) {
      std::vector<int> ids;
      for (v1::PrescriptionStatus s : ss) {
        auto it = c.by_status.find(s);
        if (it != c.by_status.end()) ids.push_back(it->second);
      }
      return ids;
    };
    auto sum = [&](const std::vector<int>& ids) {
      int64_t n = 0;
      for (int id : ids) n += table.cell(id).value;
      return n;
    };
    // Each column: the total row against the detail rows.
    std::vector<std::map<std::string, int>> columns;
    for (const RowCells& c : cells) {
      std::map<std::string, int> m;
      m["requests"] = c.requests;
      for (const auto& [s, id] : c.by_status)
        m[absl::StrCat("status:", s)] = id;
      for (int s = 0; s < kSteps; ++s)
        m[absl::StrCat("reached:", s)] = c.reached[s];
      m["gp_decided"] = c.gp_decided;
      m["gp_declined"] = c.gp_declined;
      for (const auto& [k, id] : c.decline_reasons) m["decline:" + k] = id;
      m["pharmacy_decided"] = c.pharmacy_decided;
      m["not_supplied"] = c.not_supplied;
      for (const auto& [k, id] : c.not_supplied_reasons) {
        m["not_supplied:" + k] = id;
      }
      m["went_overdue"] = c.went_overdue;
      columns.push_back(std::move(m));
    }
    std::map<std::string, int> total = std::move(columns.back());
    columns.pop_back();
    AddColumnLines(table, columns, total);

    // Within each row: statuses add up to the requests, reasons to their
    // decisions. Where the statuses a decision counts all belong to its
    // route (as they do in the pathway), they add up to it too: a reader
    // can know that, so it is a line.
    for (const RowCells& c : cells) {
      std::vector<int> statuses;
      for (const auto& [s, id] : c.by_status) statuses.push_back(id);
      table.AddLine(c.requests, statuses);
      table.AddLine(c.gp_declined, values(c.decline_reasons));
      table.AddLine(c.not_supplied, values(c.not_supplied_reasons));
      std::vector<std::pair<int, std::vector<int>>> maybe = {
          {c.gp_decided, status_cells(c, {v1::PRESCRIPTION_STATUS_PRESCRIBED,
                                          v1::PRESCRIPTION_STATUS_DISPENSED,
                                          v1::PRESCRIPTION_STATUS_DECLINED})},
          {c.gp_declined, status_cells(c, {v1::PRESCRIPTION_STATUS_DECLINED})},
          {c.pharmacy_decided,
           status_cells(c, {v1::PRESCRIPTION_STATUS_SUPPLIED,
                            v1::PRESCRIPTION_STATUS_NOT_SUPPLIED})},
          {c.not_supplied,
           status_cells(c, {v1::PRESCRIPTION_STATUS_NOT_SUPPLIED})},
      };
      for (auto& [total_cell, parts] : maybe) {
        if (!parts.empty() && sum(parts) == table.cell(total_cell).value) {
          table.AddLine(total_cell, parts);
        }
      }
    }
    // The overdue hot spots add up to the total row's went_overdue.
    std::vector<int> overdue;
    for (const auto& [ods, id] : overdue_cells) overdue.push_back(id);
    table.AddLine(cells.back().went_overdue, overdue);
  }

  void Publish(const DisclosureTable& table, const RowCells& c, const Group& g,
               bool controlled, v1::PathwayReportRow& row) const {
    PublishCount(table.cell(c.requests), row.mutable_requests());
    for (const auto& [status, id] : c.by_status) {
      v1::StatusCount* sc = row.add_by_status();
      sc->set_status(static_cast<v1::PrescriptionStatus>(status));
      PublishCount(table.cell(id), sc->mutable_count());
    }
    v1::WorkingDayStats* stats[kSteps] = {
        row.mutable_to_acknowledgement(),
        row.mutable_to_prescription_or_supply(), row.mutable_to_dispense()};
    for (int s = 0; s < kSteps; ++s) {
      const DisclosureTable::Cell& reached = table.cell(c.reached[s]);
      PublishCount(reached, stats[s]->mutable_reached());
      if (reached.suppressed || reached.value == 0) continue;
      std::vector<int> sorted = g.days[s];
      std::sort(sorted.begin(), sorted.end());
      stats[s]->set_median_working_days(NearestRank(sorted, 50));
      stats[s]->set_p90_working_days(NearestRank(sorted, 90));
    }
    PublishCount(table.cell(c.gp_decided), row.mutable_gp_decided());
    PublishCount(table.cell(c.gp_declined), row.mutable_gp_declined());
    PublishRate(table.cell(c.gp_declined), table.cell(c.gp_decided), controlled,
                row.mutable_gp_decline_rate());
    for (const auto& [code, id] : c.decline_reasons) {
      v1::ReasonCount* rc = row.add_decline_reasons();
      rc->set_code(code);
      rc->set_display(ReasonDisplay(spec_, code));
      PublishCount(table.cell(id), rc->mutable_count());
    }
    PublishCount(table.cell(c.pharmacy_decided),
                 row.mutable_pharmacy_decided());
    PublishCount(table.cell(c.not_supplied), row.mutable_not_supplied());
    PublishRate(table.cell(c.not_supplied), table.cell(c.pharmacy_decided),
                controlled, row.mutable_not_supplied_rate());
    for (const auto& [code, id] : c.not_supplied_reasons) {
      v1::ReasonCount* rc = row.add_not_supplied_reasons();
      rc->set_code(code);
      rc->set_display(ReasonDisplay(spec_, code));
      PublishCount(table.cell(id), rc->mutable_count());
    }
    PublishCount(table.cell(c.went_overdue), row.mutable_went_overdue());
  }

  // Biggest first by the published figure (so the order tells nothing the
  // figures do not): published counts descending, then withheld ones, each
  // by ODS code.
  void PublishOrganisations(
      const DisclosureTable& table,
      const std::vector<std::pair<std::string, int>>& cells,
      google::protobuf::RepeatedPtrField<v1::OrganisationCount>* out) const {
    std::vector<std::pair<std::string, int>> sorted = cells;
    std::stable_sort(
        sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
          const auto& ca = table.cell(a.second);
          const auto& cb = table.cell(b.second);
          return std::make_tuple(ca.suppressed, -ca.published, a.first) <
                 std::make_tuple(cb.suppressed, -cb.published, b.first);
        });
    for (const auto& [ods, id] : sorted) {
      v1::OrganisationCount* oc = out->Add();
      oc->set_ods_code(ods);
      oc->set_display(OrganisationName(spec_, ods));
      PublishCount(table.cell(id), oc->mutable_count());
    }
  }

  ReportSpec spec_;
  GroupKeys keys_;
  WorkingDayCounter counter_;
  absl::flat_hash_map<GroupKeys::Key, Group> groups_;
  Group total_;
  std::map<std::string, int64_t> overdue_by_organisation_;
  std::map<std::string, int64_t> dead_letters_;
};

}  // namespace

std::unique_ptr<PathwayReportBuilder> NewPathwayReportBuilder(ReportSpec spec) {
  return std::make_unique<PathwayBuilder>(std::move(spec));
}

}  // namespace nhs::tobacco::domain
