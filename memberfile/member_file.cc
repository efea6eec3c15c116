#include "memberfile/member_file.h"

#include <capnp/compat/json.capnp.h>
#include <capnp/message.h>

#include <cstring>
#include <map>

#include "base/assert.h"
#include "base/time.h"
#include "events/codec.h"
#include "projections/json_writer.h"

namespace wulian::memberfile {
namespace {

using JsonValue = capnp::json::Value;
using projections::JsonWriter;
using projections::ScoreItem;

// ---------------------------------------------------------------- reading the views' JSON

// A member of a JSON object; a null value when absent.
JsonValue::Reader Field(JsonValue::Reader object, std::string_view name) {
  if (object.isObject()) {
    for (auto f : object.getObject()) {
      if (std::string_view(f.getName().begin(), f.getName().size()) == name) return f.getValue();
    }
  }
  return JsonValue::Reader();
}

std::string Str(JsonValue::Reader object, std::string_view name) {
  auto v = Field(object, name);
  return v.isString() ? std::string(v.getString().begin(), v.getString().size()) : "";
}

int64_t Int(JsonValue::Reader object, std::string_view name) {
  auto v = Field(object, name);
  return v.isNumber() ? static_cast<int64_t>(v.getNumber()) : 0;
}

std::vector<std::string> Strs(JsonValue::Reader object, std::string_view name) {
  std::vector<std::string> out;
  auto v = Field(object, name);
  if (v.isArray()) {
    for (auto e : v.getArray()) {
      if (e.isString()) out.emplace_back(e.getString().begin(), e.getString().size());
    }
  }
  return out;
}

// The "name" of a view, or `id` when it has none.
std::string NameOf(const std::string& view_json, const std::string& id) {
  JsonDocument doc;
  std::string name;
  if (doc.Parse(view_json).ok() && doc.GetString("name", &name).ok() && !name.empty()) return name;
  return id;
}

const char* KindOf(const std::string& type, std::optional<ScoreItem> item) {
  if (type == "ContactRecorded") return "联系群众";
  if (type == "ConsultationHeld") return item == ScoreItem::kResearch ? "调研" : "协商议事";
  if (type == "CaseOpened") return "受理矛盾诉求";
  if (type == "CaseResolved") return "化解矛盾（办结）";
  if (type == "SuggestionSubmitted") return "提交建议";
  if (type == "SuggestionAdopted") return "建议被采纳";
  return "其他";
}

// Names of studios and committees, each view read once.
class Names {
 public:
  Names(const projections::Views& views, const projections::Policy& policy)
      : views_(views), policy_(policy) {}
  Named Studio(const std::string& id) { return Get('S', id); }
  Named Committee(const std::string& id) { return Get('C', id); }

 private:
  Named Get(char kind, const std::string& id) {
    auto [it, fresh] = cache_.try_emplace(std::string(1, kind) + id);
    if (fresh) {
      std::string json;
      const Status s = kind == 'S' ? views_.Studio(id, 0, policy_, &json)
                                   : views_.Committee(id, 0, policy_, &json);
      it->second = s.ok() ? NameOf(json, id) : id;
    }
    return Named{id, it->second};
  }
  const projections::Views& views_;
  const projections::Policy& policy_;
  std::map<std::string, std::string> cache_;
};

Status Anchored(const Ledger& ledger, JsonValue::Reader as_of, const SigningKey* key,
                Anchor* head) {
  head->seq = static_cast<uint64_t>(Int(as_of, "seq"));
  head->chain = Str(as_of, "chain");
  Hash root;
  Status s = ledger.TreeRoot(head->seq, &root);
  if (!s.ok()) return s;
  head->root = ToHex(root);
  std::string bytes;
  s = ledger.Get(head->seq, &bytes);
  if (!s.ok()) return s;
  StoredMessage stored(bytes);
  head->recorded_at = stored.event().getRecordedAt().cStr();
  if (key != nullptr) {
    TreeHead signed_head;
    signed_head.size = head->seq;
    signed_head.root = root;
    signed_head.time = head->recorded_at;
    key->Sign(&signed_head);
    head->signed_head = TreeHeadJson(signed_head);
  }
  return Status::OK();
}

// ---------------------------------------------------------------- the document

std::string Points(int64_t n) { return std::to_string(n) + " 分"; }

std::string NamedList(const std::vector<Named>& list) {
  std::string out;
  for (const Named& n : list) out += (out.empty() ? "" : "；") + n.name + "（" + n.id + "）";
  return out.empty() ? "无" : out;
}

documents::Table ScoreTable(const MemberFile& f) {
  documents::Table t;
  t.columns = {{"项目", 1.6},
               {"次数", 0.8, documents::Align::kRight},
               {"每次分值", 0.9, documents::Align::kRight},
               {"封顶前", 0.9, documents::Align::kRight},
               {"年度上限", 0.9, documents::Align::kRight},
               {"得分", 0.8, documents::Align::kRight},
               {"计分规则", 3.6}};
  for (const auto& it : f.score.items) {
    std::string rule = f.item_rules[static_cast<size_t>(it.item)];
    if (it.points < it.points_before_cap) rule += "（已按上限封顶）";
    t.rows.push_back({projections::ScoreItemLabel(it.item), std::to_string(it.count),
                      std::to_string(it.weight), std::to_string(it.points_before_cap),
                      it.cap ? std::to_string(*it.cap) : "—", std::to_string(it.points),
                      std::move(rule)});
  }
  return t;
}

documents::Table ActivityTable(const MemberFile& f) {
  documents::Table t;
  t.columns = {{"日期", 1.15}, {"工作室", 1.9}, {"类别", 1.3}, {"主题", 3.4}, {"计分", 1.5}};
  for (const Activity& a : f.activities) {
    std::string points = "—";
    if (a.item) points = std::string(projections::ScoreItemLabel(*a.item)) + " " + Points(a.points);
    t.rows.push_back({a.date, a.studio.name, a.kind, a.topic, std::move(points)});
  }
  return t;
}

void ScoreSummary(const MemberFile& f, documents::Document& doc) {
  const auto& s = f.score;
  std::vector<std::pair<std::string, std::string>> lines;
  if (s.base != 0) lines.emplace_back("基础分", Points(s.base));
  lines.emplace_back("各项得分", Points(s.items_points));
  if (s.bonus_before_cap != 0 || s.bonus_cap) {
    std::string bonus = Points(s.bonus);
    if (s.bonus_cap) {
      bonus += "（封顶前 " + Points(s.bonus_before_cap) + "，上限 " + Points(*s.bonus_cap) + "）";
    }
    lines.emplace_back("加分", bonus);
  }
  lines.emplace_back("总分", Points(s.total));
  if (s.grade) lines.emplace_back("等次", *s.grade);
  doc.KeyValues(std::move(lines));
}

void AnchorSection(const MemberFile& f, documents::Document& doc) {
  doc.Heading("档案锚定与核验");
  doc.KeyValues({{"日志序号（seq）", std::to_string(f.head.seq)},
                 {"链哈希（chain）", f.head.chain},
                 {"Merkle 根（root）", f.head.root},
                 {"记录时间", f.head.recorded_at}});
  doc.Paragraph("本档案依据账本前 " + std::to_string(f.head.seq) +
                " 条事件生成。委员本人或审计人员可在账本上核验：");
  for (const std::string& c : CheckCommands(f.head)) doc.Paragraph(c);
  if (!f.head.signed_head.empty()) doc.Paragraph("签名树头（head.json）：" + f.head.signed_head);
}

}  // namespace

Status BuildMemberFile(const Ledger& ledger, const projections::Views& views,
                       const projections::Policy& policy, const std::string& id,
                       const std::string& year, const SigningKey* key, MemberFile* file) {
  if (year.size() != 4) return Status::InvalidArgument("year: must be YYYY");
  std::string json;
  Status s = views.MemberRecord(ledger, id, year, 0, policy, &json);
  if (!s.ok()) return s;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<JsonValue>();
  s = ParseStrictJson(json, kJsonDepthMax, root);
  LEDGER_ASSERT(s.ok(), "the member's record is JSON");
  const auto record = root.asReader();
  const auto member = Field(record, "member");
  MemberFile f;
  f.year = Str(record, "year");
  f.id = Str(member, "id");
  f.name = Str(member, "name");
  f.sector = Str(member, "sector");
  Names names(views, policy);
  for (const auto& studio : Strs(member, "studios")) f.studios.push_back(names.Studio(studio));
  for (const auto& c : Strs(member, "committees")) f.committees.push_back(names.Committee(c));

  projections::ScoreCounts counts{};
  const auto items = Field(Field(record, "score"), "items");
  LEDGER_ASSERT(items.isArray() && items.getArray().size() == projections::kScoreItems,
                "a record scores every item");
  for (size_t i = 0; i < projections::kScoreItems; ++i) {
    const auto item = items.getArray()[i];
    LEDGER_ASSERT(projections::ScoreItemNamed(Str(item, "item")) == static_cast<ScoreItem>(i),
                  "the record's items in ScoreItem order");
    counts[i] = Int(item, "count");
  }
  f.score = projections::ScoreYear(policy, counts);
  LEDGER_ASSERT(f.score.total == Int(Field(record, "score"), "total"),
                "the file's score is the record's");
  for (size_t i = 0; i < projections::kScoreItems; ++i)
    f.item_rules.push_back(policy.ItemRule(static_cast<ScoreItem>(i)));
  f.rules = policy.RuleLines();
  f.policy_json = policy.ToJson();

  for (auto a : Field(record, "activities").getArray()) {
    Activity act;
    act.seq = static_cast<uint64_t>(Int(a, "seq"));
    act.occurred_at = Str(a, "occurredAt");
    act.date = act.occurred_at.substr(0, 10);
    act.studio = names.Studio(Str(a, "studio"));
    act.type = Str(a, "type");
    act.topic = Str(a, "title");
    act.item = projections::ScoreItemNamed(Str(a, "item"));
    act.points = Int(a, "points");
    act.kind = KindOf(act.type, act.item);
    f.activities.push_back(std::move(act));
  }
  std::map<std::string, Named> year_studios;
  for (const Activity& a : f.activities) {
    if (!a.studio.id.empty()) year_studios.emplace(a.studio.id, a.studio);
  }
  for (auto& [studio_id, named] : year_studios) f.year_studios.push_back(std::move(named));
  s = Anchored(ledger, Field(record, "asOf"), key, &f.head);
  if (!s.ok()) return s;
  *file = std::move(f);
  return Status::OK();
}

Status RenderMemberFile(const MemberFile& file, std::string_view format, std::string* out) {
  if (format == "json") {
    *out = MemberFileJson(file);
    return Status::OK();
  }
  if (format == "html") {
    *out = documents::RenderHtml(MemberFileDocument(file));
    return Status::OK();
  }
  if (format == "pdf")
    return documents::RenderPdf(MemberFileDocument(file), MemberFilePdfOptions(file), out);
  return Status::InvalidArgument("format: json, html or pdf");
}

std::vector<std::string> CheckCommands(const Anchor& head) {
  std::vector<std::string> out = {"wulian head --size " + std::to_string(head.seq) +
                                  "    # 输出的 root 应为 " + head.root};
  if (!head.signed_head.empty()) {
    out.push_back(
        "wulian verify --against head.json --pubkey key.json    # head.json 为本档案所附签名树头，"
        "key.json 为账本公钥（wulian pubkey）：证明该树头在账本中且签名有效");
  }
  return out;
}

std::string MemberFileJson(const MemberFile& f) {
  JsonWriter w;
  w.BeginObject().Key("year").String(f.year).Key("member").BeginObject();
  w.Key("id").String(f.id).Key("name").String(f.name).Key("sector").String(f.sector).EndObject();
  for (const auto* list : {&f.studios, &f.committees, &f.year_studios}) {
    w.Key(list == &f.studios      ? "studios"
          : list == &f.committees ? "committees"
                                  : "yearStudios")
        .BeginArray();
    for (const Named& n : *list)
      w.BeginObject().Key("id").String(n.id).Key("name").String(n.name).EndObject();
    w.EndArray();
  }
  w.Key("activities").BeginArray();
  for (const Activity& a : f.activities) {
    w.BeginObject().Key("seq").Int(static_cast<int64_t>(a.seq)).Key("date").String(a.date);
    w.Key("occurredAt").String(a.occurred_at).Key("studio").String(a.studio.id);
    w.Key("studioName").String(a.studio.name).Key("type").String(a.type).Key("kind").String(a.kind);
    w.Key("topic").String(a.topic).Key("item");
    a.item ? w.String(projections::ScoreItemName(*a.item)) : w.Null();
    w.Key("points").Int(a.points).EndObject();
  }
  w.EndArray();
  const auto& s = f.score;
  w.Key("score").BeginObject().Key("items").BeginArray();
  for (const auto& it : s.items) {
    w.BeginObject().Key("item").String(projections::ScoreItemName(it.item));
    w.Key("label").String(projections::ScoreItemLabel(it.item)).Key("count").Int(it.count);
    w.Key("weight").Int(it.weight).Key("pointsBeforeCap").Int(it.points_before_cap).Key("cap");
    it.cap ? w.Int(*it.cap) : w.Null();
    w.Key("points").Int(it.points).Key("bonus").Bool(it.bonus);
    w.Key("rule").String(f.item_rules[static_cast<size_t>(it.item)]).EndObject();
  }
  w.EndArray().Key("base").Int(s.base).Key("itemsPoints").Int(s.items_points);
  w.Key("bonusBeforeCap").Int(s.bonus_before_cap).Key("bonusCap");
  s.bonus_cap ? w.Int(*s.bonus_cap) : w.Null();
  w.Key("bonus").Int(s.bonus).Key("total").Int(s.total).Key("grade");
  s.grade ? w.String(*s.grade) : w.Null();
  w.EndObject().Key("rules").BeginArray();
  for (const auto& r : f.rules) w.String(r);
  w.EndArray().Key("policy").Raw(f.policy_json);
  w.Key("head").BeginObject().Key("seq").Int(static_cast<int64_t>(f.head.seq));
  w.Key("chain").String(f.head.chain).Key("root").String(f.head.root);
  w.Key("recordedAt").String(f.head.recorded_at).Key("signedHead");
  f.head.signed_head.empty() ? w.Null() : w.Raw(f.head.signed_head);
  w.EndObject().Key("check").BeginArray();
  for (const auto& c : CheckCommands(f.head)) w.String(c);
  w.EndArray().EndObject();
  return w.str() + "\n";
}

documents::Document MemberFileDocument(const MemberFile& f) {
  documents::Document doc(f.name + " " + f.year + " 年度履职档案");
  doc.KeyValues(
      {{"姓名", f.name},
       {"委员编号", f.id},
       {"界别", f.sector},
       {"现所在工作室", NamedList(f.studios)},
       {"本年度履职所在工作室",
        f.year_studios.empty() ? std::string("（本年度无履职活动）") : NamedList(f.year_studios)},
       {"所属专委会", NamedList(f.committees)},
       {"档案年度", f.year + " 年"}});
  doc.Heading("年度积分");
  doc.AddTable(ScoreTable(f));
  ScoreSummary(f, doc);
  doc.Heading("履职活动（" + std::to_string(f.activities.size()) + " 项）");
  if (f.activities.empty()) {
    doc.Paragraph("本年度没有列有该委员的活动。");
  } else {
    doc.AddTable(ActivityTable(f));
  }
  doc.Heading("积分规则");
  for (const auto& r : f.rules) doc.Paragraph(r);
  AnchorSection(f, doc);
  return doc;
}

documents::PdfOptions MemberFilePdfOptions(const MemberFile& f) {
  documents::PdfOptions o;
  // Cairo takes "YYYY-MM-DDThh:mm:ss" and an offset; recordedAt may carry fractions.
  const std::string& at = f.head.recorded_at;
  const size_t offset = at.find_last_of("+-Z");
  o.date = at.size() >= 19 && offset != std::string::npos && offset >= 19
               ? at.substr(0, 19) + at.substr(offset)
               : "2000-01-01T00:00:00+08:00";
  o.author = "Wulian Ledger";
  o.subject = f.id + " " + f.year + " 年度履职档案";
  return o;
}

}  // namespace wulian::memberfile
