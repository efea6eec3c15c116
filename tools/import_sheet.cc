// `wulian import --sheet FILE.xlsx|FILE.csv --type TYPE [--encoding utf-8|gb18030]`:
// spreadsheet intake (docs/intake.md). The sheet is read (intake/sheet.h), its rows become
// JSON lines (intake/rows.h), and the lines go through Import, all or nothing: a refusal of
// line N is reported as the row and column it came from.
#include <capnp/dynamic.h>
#include <capnp/schema.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "base/assert.h"
#include "events/codec.h"
#include "intake/rows.h"
#include "intake/sheet.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

using intake::Directory;

// A row's event imported earlier under a derived id: what an edited row would share with it.
struct Derived {
  std::string id;
  uint64_t seq = 0;
};

// The text field `name` of the data of `event` (or of a correction's replacement), or "".
std::string DataText(capnp::DynamicStruct::Reader data, const char* name) {
  KJ_IF_MAYBE (field, data.getSchema().findFieldByName(name)) {
    if (field->getType().isText()) return data.get(*field).as<capnp::Text>().cStr();
  }
  return "";
}

// The members of an event's data as a JSON array (as a row maps them), or "".
std::string DataMembers(capnp::DynamicStruct::Reader data) {
  KJ_IF_MAYBE (field, data.getSchema().findFieldByName("members")) {
    std::string out = "[";
    for (auto m : data.get(*field).as<capnp::DynamicList>()) {
      out += (out.size() > 1 ? "," : "") + JsonString(m.as<capnp::Text>().cStr());
    }
    return out + "]";
  }
  return "";
}

// "type\noccurredAt\nstudio\nmembers": the match key of an event imported under a derived
// id. An edit of a row keeps its time, studio and members; another activity of the same day
// and studio by other members is not taken for one.
std::string MatchKey(const std::string& type, const std::string& occurred,
                     const std::string& studio, const std::string& members) {
  return type + "\n" + occurred + "\n" + studio + "\n" + members;
}

// Calls `visit` with each event of the ledger: its type and data (for a correction, the
// target's type and the replacement data), seq, id and occurredAt.
using EventVisitor = std::function<void(const std::string& type, capnp::DynamicStruct::Reader data,
                                        uint64_t seq, const schema::Event::Reader& event)>;
Status ScanEvents(const Ledger& ledger, const EventVisitor& visit) {
  return ledger.Scan(1, 0, [&](uint64_t seq, std::string_view bytes) -> Status {
    try {
      StoredMessage stored(bytes);
      const schema::Event::Reader event = stored.event();
      capnp::DynamicStruct::Reader top = event;
      auto which = KJ_ASSERT_NONNULL(top.which());
      if (!which.getType().isStruct()) return Status::OK();
      capnp::DynamicStruct::Reader data = top.get(which).as<capnp::DynamicStruct>();
      std::string type = TypeName(event.which());
      if (event.isEventCorrected()) {
        capnp::DynamicStruct::Reader payload = data.get("data").as<capnp::DynamicStruct>();
        auto inner = KJ_ASSERT_NONNULL(payload.which());
        data = payload.get(inner).as<capnp::DynamicStruct>();
        type = event.getEventCorrected().getTargetType().cStr();
      }
      visit(type, data, seq, event);
    } catch (const kj::Exception& e) {
      return Status::Corruption(e.getDescription().cStr());
    }
    return Status::OK();
  });
}

// The registry's names, with corrections applied (small: committees, members, studios).
Status ReadDirectory(const Ledger& ledger, Directory* directory) {
  return ScanEvents(ledger, [&](const std::string& type, capnp::DynamicStruct::Reader data,
                                uint64_t, const schema::Event::Reader&) {
    const std::string name = DataText(data, "name");
    if (type == "CommitteeRegistered") {
      directory->Add(Directory::Kind::kCommittee, DataText(data, "committee"), name);
    } else if (type == "MemberRegistered") {
      directory->Add(Directory::Kind::kMember, DataText(data, "member"), name);
    } else if (type == "StudioLicensed") {
      directory->Add(Directory::Kind::kStudio, DataText(data, "studio"), name);
    }
  });
}

// What the ledger holds of the sheet's derived ids: *ids, those of the sheet's rows that it
// has; *derived, its derived-id events with the type, time and studio of a row. Both are
// bounded by the sheet, not by the ledger.
Status ReadImported(const Ledger& ledger, const intake::MappedSheet& sheet,
                    std::multimap<std::string, Derived>* derived, std::set<std::string>* ids) {
  std::set<std::string> keys, row_ids;
  for (const auto& row : sheet.rows) {
    row_ids.insert(row.id);
    if (!row.studio.empty())
      keys.insert(MatchKey(sheet.type, row.occurred_at, row.studio, row.members));
  }
  return ScanEvents(ledger, [&](const std::string& type, capnp::DynamicStruct::Reader data,
                                uint64_t seq, const schema::Event::Reader& event) {
    const std::string id = event.getId().cStr();
    if (id.rfind(intake::kDerivedIdPrefix, 0) != 0 || event.isEventCorrected()) return;
    if (row_ids.count(id)) ids->insert(id);
    const std::string key =
        MatchKey(type, event.getOccurredAt().cStr(), DataText(data, "studio"), DataMembers(data));
    if (keys.count(key)) derived->emplace(key, Derived{id, seq});
  });
}

// Rows with a new derived id that share type, time, studio and members with an event imported from
// a sheet earlier whose row is no longer in the sheet: a row edited after its import.
void RefuseEditedRows(const intake::MappedSheet& sheet,
                      const std::multimap<std::string, Derived>& derived,
                      const std::set<std::string>& ledger_ids,
                      std::vector<intake::RowRefusal>* refused) {
  if (sheet.columns.count("id") || derived.empty()) return;
  std::set<std::string> in_sheet;
  for (const auto& row : sheet.rows) in_sheet.insert(row.id);
  for (const auto& row : sheet.rows) {
    if (ledger_ids.count(row.id)) continue;
    if (row.studio.empty()) continue;
    auto [first, last] =
        derived.equal_range(MatchKey(sheet.type, row.occurred_at, row.studio, row.members));
    for (auto it = first; it != last; ++it) {
      if (in_sheet.count(it->second.id)) continue;
      refused->push_back(
          {row.row, "",
           Status::DuplicateId(
               "这一行像是导入后又改过：第 " + std::to_string(it->second.seq) + " 号事件（" +
               it->second.id +
               "）的发生时间、工作室、委员与它相同，而原来的行已不在表中。改过的行不能重新导入，"
               "请在账本中用更正事件（EventCorrected）更正原事件，并把表格改回原样；"
               "若确是另一件事，请加“编号”列")});
      break;
    }
  }
}

void PrintRefusal(const intake::RowRefusal& r) {
  std::cout << "{";
  if (r.row != 0) std::cout << "\"row\":" << r.row << ",";
  if (!r.column.empty()) std::cout << "\"column\":" << JsonString(r.column) << ",";
  std::cout << "\"code\":\"" << r.status.CodeName()
            << "\",\"message\":" << JsonString(r.status.message()) << "}\n";
}

Status SheetOptionsOf(const Args& args, intake::SheetOptions* options) {
  auto it = args.flags.find("encoding");
  if (it == args.flags.end()) return Status::OK();
  std::string e = it->second;
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  if (e == "utf-8" || e == "utf8") {
    options->encoding = intake::Encoding::kUtf8;
  } else if (e == "gb18030" || e == "gbk" || e == "gb2312") {
    options->encoding = intake::Encoding::kGb18030;
  } else {
    return Status::InvalidArgument("--encoding must be utf-8 or gb18030");
  }
  return Status::OK();
}

// Judges the mapped rows with Import (appending them unless `check_only`), and adds the
// refused ones to `refused`.
Status ImportRows(const std::string& data_dir, std::unique_ptr<Ledger>* ledger,
                  const intake::MappedSheet& sheet, const Directory& directory, int64_t now,
                  bool check_only, ImportReport* report, std::vector<intake::RowRefusal>* refused) {
  const std::string lines = data_dir + "/import-sheet.jsonl";
  {
    std::ofstream out(lines, std::ios::binary | std::ios::trunc);
    for (const auto& row : sheet.rows) out << row.line << '\n';
    out.flush();
    if (!out) return Status::IOError("cannot write " + lines);
  }
  Status s = Import(data_dir, ledger, lines, now, report, check_only);
  std::error_code ignored;
  std::filesystem::remove(lines, ignored);
  if (!s.ok()) return s;
  for (const auto& [line, status] : report->refused) {
    LEDGER_ASSERT(line >= 1 && line <= sheet.rows.size(), "a refused line is a row of the sheet");
    refused->push_back(intake::Explain(sheet, directory, sheet.rows[line - 1], status));
  }
  return Status::OK();
}

}  // namespace

int ImportSheetCommand(const Args& args) {
  const std::string path = args.flags.at("sheet");
  auto type = args.flags.find("type");
  if (type == args.flags.end() || !args.positional.empty()) {
    return Fail(Status::InvalidArgument("import --sheet FILE needs --type TYPE and no other file"));
  }
  intake::SheetOptions options;
  Status s = SheetOptionsOf(args, &options);
  std::unique_ptr<Ledger> ledger;
  if (s.ok()) s = OpenLedger(args.data, &ledger);
  int64_t now = 0;
  if (s.ok()) s = LedgerClock(&now);
  Directory directory;
  if (s.ok()) s = ReadDirectory(*ledger, &directory);
  intake::Table table;
  uint64_t where_row = 0;
  if (s.ok()) s = intake::ReadSheet(path, options, &table, &where_row);
  if (s.code() == Code::kInvalidEvent) {
    PrintRefusal({where_row, "", s});
    std::cerr << "import --sheet: " << path << " refused; nothing was appended\n";
    return 2;
  }
  intake::MappedSheet sheet;
  if (s.ok()) s = intake::MapRows(table, type->second, directory, &sheet);
  if (!s.ok()) return Fail(s);
  std::cerr << "import --sheet: " << table.rows.size() << " rows read, " << sheet.rows.size()
            << " events to check\n";
  const size_t data_rows = sheet.rows.size() + sheet.refused.size();
  std::vector<intake::RowRefusal> refused = std::move(sheet.refused);
  std::multimap<std::string, Derived> derived;
  std::set<std::string> ledger_ids;
  if (!sheet.columns.count("id")) {
    s = ReadImported(*ledger, sheet, &derived, &ledger_ids);
    if (!s.ok()) return Fail(s);
    RefuseEditedRows(sheet, derived, ledger_ids, &refused);
  }
  ImportReport report;
  if (!sheet.rows.empty()) {
    s = ImportRows(args.data, &ledger, sheet, directory, now, !refused.empty(), &report, &refused);
    if (!s.ok()) return Fail(s);
  }
  if (!refused.empty()) {
    std::stable_sort(refused.begin(), refused.end(),
                     [](const auto& a, const auto& b) { return a.row < b.row; });
    for (const auto& r : refused) PrintRefusal(r);
    std::cerr << refused.size() << " refusals in " << data_rows << " rows; nothing was appended\n";
    return 2;
  }
  std::cout << "{\"rows\":" << sheet.rows.size() << ",\"appended\":" << report.appended
            << ",\"duplicates\":" << report.duplicates
            << ",\"head\":" << HeadJson(ledger->GetHead()) << "}\n";
  return 0;
}

}  // namespace wulian::cli
