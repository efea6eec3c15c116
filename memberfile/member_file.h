// The member's annual file (一人一档 / 年度履职档案): one member's year as the ledger holds
// it — profile, studios and committees by name, every activity of the year that lists the
// member, the score by item with the rule that gave each point (before and after each cap),
// base, bonus, total and grade, the rules used, and the log head the file is anchored to, with
// the commands that prove that head.
//
// MemberFile is the one typed model: MemberFileJson is its JSON, MemberFileDocument the
// printable document (documents/document.h) that the PDF and HTML formats render. Neither
// renderer reads JSON. The model is built from the views' answers (the member's record, as
// `/v1/members/ID/record` serves it, and the studio and committee views for names), and its
// score by projections::ScoreYear, so it equals the record's score for the same year.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "documents/document.h"
#include "events/signing.h"
#include "events/store.h"
#include "projections/policy.h"
#include "projections/score.h"
#include "projections/views.h"

namespace wulian::memberfile {

struct Named {
  std::string id;
  std::string name;  // the registered name; the id again when the view has none
};

struct Activity {
  uint64_t seq = 0;
  std::string occurred_at;  // RFC 3339, +08:00
  std::string date;         // YYYY-MM-DD of occurred_at
  Named studio;
  std::string type;   // ContactRecorded, …
  std::string kind;   // 联系群众, … (the type in Chinese)
  std::string topic;  // the topic, summary or title, with corrections in force
  std::optional<projections::ScoreItem> item;  // the score item it earns for, if any
  int64_t points = 0;                          // the item's weight (before any cap)
};

// The log head the file is anchored to: the last event the views had applied.
struct Anchor {
  uint64_t seq = 0;
  std::string chain;        // hex
  std::string root;         // hex, the RFC 6962 root of the first `seq` events
  std::string recorded_at;  // recordedAt of event `seq`
  std::string signed_head;  // {"size", "root", "time", "signature"} signed by the ledger's
                            // key at time recorded_at; empty when no key was given
};

struct MemberFile {
  std::string year;  // YYYY
  std::string id, name, sector;
  std::vector<Named> studios, committees;  // as of the file's head (current membership)
  std::vector<Activity> activities;        // in (occurredAt, seq) order
  // The studios of the year's activities, by id: where the member worked that year, which
  // may differ from `studios` (a member who left, or joined later).
  std::vector<Named> year_studios;
  projections::Score score;
  std::vector<std::string> item_rules;  // the rule line of each item, by ScoreItem
  std::vector<std::string> rules;       // Policy::RuleLines()
  std::string policy_json;              // Policy::ToJson()
  Anchor head;
};

// Builds the file of member `id` for `year` (YYYY) from `views` (caught up by the caller)
// and `ledger`; signs the anchor's head with `key` when not null. NotFound for an unknown
// member, InvalidArgument for a bad year.
Status BuildMemberFile(const Ledger& ledger, const projections::Views& views,
                       const projections::Policy& policy, const std::string& id,
                       const std::string& year, const SigningKey* key, MemberFile* file);

// The model as JSON (one line, keys in a fixed order).
std::string MemberFileJson(const MemberFile& file);

// The model as a printable document, in Chinese.
documents::Document MemberFileDocument(const MemberFile& file);

// The PDF options of a file: its dates are the anchor's recorded time, so that the same
// ledger head gives the same bytes.
documents::PdfOptions MemberFilePdfOptions(const MemberFile& file);

// The file in `format` ("json", "html" or "pdf"); InvalidArgument for another.
Status RenderMemberFile(const MemberFile& file, std::string_view format, std::string* out);

// The commands that prove the anchor: `wulian head --size SEQ` (its root must be the
// file's) and `wulian verify --against HEAD.json` on the signed head.
std::vector<std::string> CheckCommands(const Anchor& head);

}  // namespace wulian::memberfile
