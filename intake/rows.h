// The rows of a sheet as events of one type (docs/intake.md): Chinese or field-name headers,
// Chinese enum names, times, lists, registered names resolved to ids, derived ids.
//
// Each row becomes one JSON line of SPEC §3.1, to be judged by the same import that judges
// JSON Lines (tools/import.cc). What cannot be turned into a line is refused here with its
// row and column; what the import refuses is explained back in the same terms by Explain.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "intake/sheet.h"

namespace wulian::intake {

// The prefix of an id derived from a row's content (a sheet without an 编号 column).
inline constexpr std::string_view kDerivedIdPrefix = "sh-";
inline constexpr size_t kDerivedIdHashBytes = 20;  // of SHA-256, printed as hex

// The registered committees, members and studios, by id and by name, for cells that name
// them (工作室, 委员, 牵头委员, 专委会).
class Directory {
 public:
  enum class Kind { kCommittee, kMember, kStudio };
  // Registers `id` under `name`; a later call for the same id renames it (a correction).
  void Add(Kind kind, const std::string& id, const std::string& name);
  // `value` is a registered id, or the name of exactly one: sets *id. A name shared by
  // several is refused naming each id; an unknown value that has the form of an id is
  // passed on as it is (the ledger names it as unregistered), else refused.
  Status Resolve(Kind kind, const std::string& value, std::string* id) const;
  // The registered name of `id`, or "".
  std::string NameOf(Kind kind, const std::string& id) const;

 private:
  std::map<std::string, std::string> names_[3];             // id → name
  std::map<std::string, std::vector<std::string>> ids_[3];  // name → ids
};

// A refused row. `column` is the header as written in the sheet (or the canonical header of
// a missing column, or a column letter); empty when the refusal concerns the whole row or file.
struct RowRefusal {
  uint64_t row = 0;  // 0: the file as a whole
  std::string column;
  Status status;
};

struct MappedRow {
  uint64_t row = 0;
  std::string line;         // one event, SPEC §3.1 JSON
  std::string id;           // the event id (from the 编号 column, or derived)
  std::string occurred_at;  // as written on the line (RFC 3339 in +08:00)
  std::string studio;       // the studio id of a studio's event, else ""
  std::string members;      // its members as a JSON array, for the types that list them
};

struct MappedSheet {
  std::string type;
  // Field name ("id", "occurredAt", "members" …) → the header of its column as written.
  std::map<std::string, std::string> columns;
  std::vector<MappedRow> rows;      // in sheet order
  std::vector<RowRefusal> refused;  // in sheet order
  uint64_t blank_rows = 0;          // rows whose cells are all empty, skipped
};

// The event types a sheet may hold, in the order of SPEC §3.2.
std::vector<std::string> SheetTypes();

// Maps every data row of `table` (rows after the first) to an event of `type`. Fails
// (INVALID_ARGUMENT) only if `type` is not a sheet type; a bad header refuses row 1.
Status MapRows(const Table& table, const std::string& type, const Directory& directory,
               MappedSheet* sheet);

// The refusal by the ledger import of `row`'s event, with the column it concerns and a
// Chinese message.
RowRefusal Explain(const MappedSheet& sheet, const Directory& directory, const MappedRow& row,
                   const Status& status);

}  // namespace wulian::intake
