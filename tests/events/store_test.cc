// The event store: round trips, idempotency, versions, atomicity, and verify against tampering.
#include "events/store.h"

#include <capnp/serialize.h>
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <functional>

#include "events/hash_internal.h"
#include "tests/support.h"

namespace wulian {
namespace {

using testing::Event;
using testing::Registry;
using testing::TestLedger;

// One event of every type, valid in this order after Registry().
std::vector<std::string> EveryType() {
  return {
      Event("e1", "MemberJoinedStudio", R"({"studio":"S01","member":"M2"})"),
      Event("e2", "MemberLeftStudio", R"({"studio":"S01","member":"M2"})"),
      Event("e3", "StudioRuleAdopted", R"({"studio":"S01","rule":"R1","title":"接待日制度"})"),
      Event(
          "e4", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"platform","peopleReached":25,"topic":"停车难"})"),
      Event(
          "e5", "ConsultationHeld",
          R"({"studio":"S01","members":["M1"],"form":"research","partners":["区商会"],"attendees":30,"topic":"老旧小区改造","outcome":"形成建议"})"),
      Event(
          "e6", "CaseOpened",
          R"({"studio":"S01","case":"K1","kind":"dispute","members":["M1"],"summary":"邻里纠纷"})"),
      Event("e7", "CaseResolved",
            R"({"studio":"S01","case":"K1","outcome":"resolved","summary":"调解成功"})"),
      Event(
          "e8", "SuggestionSubmitted",
          R"({"studio":"S01","suggestion":"G1","members":["M1"],"title":"增设停车位","channel":"proposal"})"),
      Event("e9", "SuggestionAdopted", R"({"studio":"S01","suggestion":"G1","by":"区政府办公室"})"),
      Event("e10", "SupervisionVisited",
            R"({"studio":"S01","visit":"V1","inspectors":["督导组甲"],"notes":"台账齐全"})"),
      Event(
          "e11", "FindingRaised",
          R"({"studio":"S01","finding":"F1","severity":"medium","summary":"制度未上墙","dueOn":"2025-04-01"})"),
      Event("e12", "FindingRectified", R"({"studio":"S01","finding":"F1","summary":"已整改"})"),
      Event("e13", "StudioStatusChanged",
            R"({"studio":"S02","status":"suspended","reason":"整顿"})"),
      Event(
          "e14", "EventCorrected",
          R"({"target":11,"reason":"人数有误","data":{"studio":"S01","members":["M1"],"channel":"platform","peopleReached":52,"topic":"停车难"}})"),
      Event("e15", "EventRetracted", R"({"target":12,"reason":"重复录入"})"),
  };
}

std::string ExportAll(Ledger& ledger) {
  Codec codec;
  std::string out;
  Status s = ledger.Scan(1, 0, [&](uint64_t, std::string_view bytes) {
    StoredMessage stored(bytes);
    out += codec.Encode(stored.event()) + "\n";
    return Status::OK();
  });
  EXPECT_TRUE(s.ok());
  return out;
}

TEST(StoreTest, EveryEventTypeRoundTrips) {
  TestLedger t;
  auto lines = Registry();
  for (auto& l : EveryType()) lines.push_back(l);
  for (auto& line : lines) ASSERT_TRUE(t.Append(line).ok()) << t.Append(line).message() << line;
  const std::string exported = ExportAll(t.ledger());
  size_t n = 0;
  for (size_t pos = 0; (pos = exported.find('\n', pos)) != std::string::npos; ++pos) ++n;
  EXPECT_EQ(n, lines.size());
  for (const auto& line : lines) {
    // The client's data object appears verbatim (key order and spelling are the schema's);
    // a correction's also names the type of its target.
    std::string data = line.substr(line.find("\"data\":"));
    data.pop_back();
    if (line.find("EventCorrected") != std::string::npos) {
      data.insert(data.size() - 1, R"(,"targetType":"ContactRecorded")");
    }
    EXPECT_NE(exported.find(data), std::string::npos) << data;
  }
  EXPECT_NE(
      exported.find(
          R"({"seq":1,"id":"r1","stream":"committee/C1","version":1,"occurredAt":"2025-03-01T09:30:00+08:00","recordedAt":"2025-06-30T12:00:00+08:00","actor":"local","hash":")"),
      std::string::npos)
      << exported.substr(0, 300);
  EXPECT_NE(
      exported.find(
          R"("type":"CommitteeRegistered","data":{"committee":"C1","name":"经济委","supervises":false}})"),
      std::string::npos);
  EXPECT_NE(exported.find(R"("stream":"studio/S01","version":14,)"), std::string::npos);
}

TEST(StoreTest, AssignsGaplessSeqStreamsVersionsAndChain) {
  TestLedger t;
  std::vector<AppendResult> r;
  ASSERT_TRUE(t.Append(Registry(), &r).ok());
  ASSERT_EQ(r.size(), 7u);
  for (size_t i = 0; i < r.size(); ++i) EXPECT_EQ(r[i].seq, i + 1);
  EXPECT_EQ(r[5].stream, "studio/S01");
  EXPECT_EQ(r[5].version, 1u);
  EXPECT_EQ(r[2].stream, "member/M1");
  Hash chain{};
  for (const auto& x : r) chain = ChainHash(chain, x.hash);
  EXPECT_EQ(t.ledger().GetHead().chain, chain);
  EXPECT_EQ(t.ledger().GetHead().seq, 7u);
}

TEST(StoreTest, SameIdSameContentReturnsTheOriginalResult) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  const std::string e =
      Event("c1", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})");
  std::vector<AppendResult> first, again;
  ASSERT_TRUE(t.Append(e, &first).ok());
  t.set_now("2025-07-01T00:00:00+08:00");
  ASSERT_TRUE(t.Append(e, &again).ok());
  EXPECT_EQ(again[0].seq, first[0].seq);
  EXPECT_EQ(again[0].hash, first[0].hash);
  EXPECT_EQ(again[0].version, first[0].version);
  EXPECT_TRUE(again[0].duplicate);
  EXPECT_EQ(t.ledger().GetHead().seq, 8u);
  // A retry with the same expectedVersion is still the same request.
  const std::string v =
      Event("c2", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
            "2025-03-01T09:30:00+08:00", R"(,"expectedVersion":2)");
  ASSERT_TRUE(t.Append(v).ok());
  ASSERT_TRUE(t.Append(v).ok());
  EXPECT_EQ(t.ledger().GetHead().seq, 9u);
}

TEST(StoreTest, SameIdDifferentContentIsDuplicateId) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  ASSERT_TRUE(
      t
          .Append(Event(
              "c1", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})"))
          .ok());
  Status s = t.Append(Event(
      "c1", "ContactRecorded",
      R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":4,"topic":"t"})"));
  EXPECT_EQ(s.code(), Code::kDuplicateId);
  EXPECT_EQ(s.ExitCode(), 3);
  s = t.Append(
      Event("c1", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
            "2025-03-02T09:30:00+08:00"));
  EXPECT_EQ(s.code(), Code::kDuplicateId);
  EXPECT_EQ(t.ledger().GetHead().seq, 8u);
}

TEST(StoreTest, ExpectedVersionGuardsTheStream) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  auto contact = [](const std::string& id, const std::string& expected) {
    return Event(
        id, "ContactRecorded",
        R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
        "2025-03-01T09:30:00+08:00", ",\"expectedVersion\":" + expected);
  };
  EXPECT_EQ(t.Append(contact("a", "5")).code(), Code::kVersionConflict);
  EXPECT_EQ(t.Append(contact("a", "-1")).code(), Code::kVersionConflict);
  EXPECT_EQ(t.ledger().GetHead().seq, 7u);
  EXPECT_TRUE(t.Append(contact("a", "1")).ok());
  EXPECT_TRUE(t.Append(contact("b", "2")).ok());
  EXPECT_EQ(t.Append(contact("c", "2")).code(), Code::kVersionConflict);
  EXPECT_TRUE(t.Append(Event("m9", "MemberRegistered",
                             R"({"member":"M9","name":"赵六","sector":"科技界","committees":[]})",
                             "2025-03-01T09:30:00+08:00", R"(,"expectedVersion":-1)"))
                  .ok());
  EXPECT_EQ(t.Append(Event("m9b", "MemberRegistered",
                           R"({"member":"M9","name":"赵六","sector":"科技界","committees":[]})",
                           "2025-03-01T09:30:00+08:00", R"(,"expectedVersion":-1)"))
                .code(),
            Code::kVersionConflict);
}

TEST(StoreTest, ABatchIsAtomic) {
  TestLedger t;
  std::vector<std::string> batch = Registry();
  batch.push_back(Event(
      "bad", "ContactRecorded",
      R"({"studio":"S99","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})"));
  Status s = t.Append(batch);
  EXPECT_EQ(s.code(), Code::kReferenceError);
  ASSERT_TRUE(s.index().has_value());
  EXPECT_EQ(*s.index(), 7u);
  EXPECT_EQ(t.ledger().GetHead().seq, 0u);
  // Nothing of the refused batch is visible: the same registry appends cleanly.
  EXPECT_TRUE(t.Append(Registry()).ok());
  EXPECT_EQ(t.ledger().GetHead().seq, 7u);
}

TEST(StoreTest, RecordedAtNeverDecreasesAndFutureEventsAreRefused) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  t.set_now("2025-01-01T00:00:00+08:00");
  std::vector<AppendResult> r;
  ASSERT_TRUE(
      t.Append(
           Event(
               "c1", "ContactRecorded",
               R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
               "2024-12-31T00:00:00+08:00"),
           &r)
          .ok());
  std::string bytes;
  ASSERT_TRUE(t.ledger().Get(r[0].seq, &bytes).ok());
  EXPECT_NE(bytes.find("2025-06-30T12:00:00+08:00"), std::string::npos);
  EXPECT_EQ(
      t
          .Append(Event(
              "c2", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
              "2025-01-01T00:05:01+08:00"))
          .code(),
      Code::kInvalidEvent);
  EXPECT_TRUE(
      t
          .Append(Event(
              "c3", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})",
              "2025-01-01T00:05:00+08:00"))
          .ok());
}

TEST(StoreTest, ReopenKeepsTheHead) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  const Head before = t.ledger().GetHead();
  t.Reopen();
  const Head after = t.ledger().GetHead();
  EXPECT_EQ(after.seq, before.seq);
  EXPECT_EQ(after.chain, before.chain);
  EXPECT_EQ(after.recorded_at_micros, before.recorded_at_micros);
  EXPECT_TRUE(
      t
          .Append(Event(
              "c1", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})"))
          .ok());
}

// ---- verify against tampering ---------------------------------------------------------

// Verifies with 1, 2 and 8 threads and expects the same report from each.
VerifyReport VerifyEachWay(const Ledger& ledger) {
  std::vector<VerifyReport> reports;
  for (unsigned threads : {1u, 2u, 8u}) {
    VerifyOptions options;
    options.threads = threads;
    options.root_at_size = 5;
    VerifyReport report;
    EXPECT_TRUE(ledger.Verify(options, &report).ok());
    reports.push_back(report);
  }
  for (size_t i = 1; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i].ok, reports[0].ok);
    EXPECT_EQ(reports[i].events, reports[0].events);
    EXPECT_EQ(reports[i].first_bad_seq, reports[0].first_bad_seq);
    EXPECT_EQ(reports[i].problem, reports[0].problem);
    EXPECT_EQ(reports[i].head.seq, reports[0].head.seq);
    EXPECT_EQ(reports[i].head.chain, reports[0].head.chain);
    EXPECT_EQ(reports[i].head.root, reports[0].head.root);
    EXPECT_EQ(reports[i].root_at_size, reports[0].root_at_size);
  }
  return reports[0];
}

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto lines = Registry();
    for (auto& l : EveryType()) lines.push_back(l);
    ASSERT_TRUE(t_.Append(lines).ok());
    VerifyReport report;
    ASSERT_TRUE(t_.ledger().Verify(VerifyOptions{}, &report).ok());
    ASSERT_TRUE(report.ok) << report.problem;
    ASSERT_EQ(report.events, 22u);
  }

  // Closes the ledger, lets `edit` change the raw `events` column family, reopens and verifies.
  VerifyReport Tamper(const std::function<void(rocksdb::DB*, rocksdb::ColumnFamilyHandle*)>& edit) {
    t_.Close();
    {
      std::vector<rocksdb::ColumnFamilyDescriptor> families;
      for (const char* name :
           {"default", "events", "ids", "streams", "state", "merkle", "targets"}) {
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());
      }
      std::vector<rocksdb::ColumnFamilyHandle*> handles;
      rocksdb::DB* db = nullptr;
      EXPECT_TRUE(
          rocksdb::DB::Open(rocksdb::DBOptions(), t_.db_dir(), families, &handles, &db).ok());
      edit(db, handles[1]);
      for (auto* h : handles) EXPECT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
      delete db;
    }
    t_.Reopen();
    return VerifyEachWay(t_.ledger());
  }

  static std::string Key(uint64_t seq) {
    std::string k;
    for (int shift = 56; shift >= 0; shift -= 8) k.push_back(static_cast<char>(seq >> shift));
    return k;
  }

  TestLedger t_;
};

TEST_F(TamperTest, ChangedByteIsCaught) {
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, Key(11), &value).ok());
    const size_t at = value.find("停车难");
    ASSERT_NE(at, std::string::npos);
    value[at + 2] ^= 0x01;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, Key(11), value).ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 11u);
  EXPECT_NE(report.problem.find("leaf hash"), std::string::npos) << report.problem;
}

TEST_F(TamperTest, DeletedEventIsCaught) {
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), events, Key(9)).ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 9u);
}

TEST_F(TamperTest, DeletedLastEventIsCaughtByTheIndexes) {
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), events, Key(22)).ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 22u);
}

TEST_F(TamperTest, AStrayIndexEntryIsCaughtAndNamed) {
  t_.Close();
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "events", "ids", "streams", "state", "merkle", "targets"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), t_.db_dir(), families, &handles, &db).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[3],
                        "studio/S01" + std::string(1, '\0') + Key(99), Key(99))
                    .ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  t_.Reopen();
  const VerifyReport report = VerifyEachWay(t_.ledger());
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 23u);
  EXPECT_NE(report.problem.find("stream index"), std::string::npos) << report.problem;
}

// Enough events for many chunks of the threaded verifier: a change deep in the log is named
// the same way by every thread count.
TEST_F(TamperTest, ALongLogVerifiesAndIsNamedTheSameWithAnyNumberOfThreads) {
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i) {
    lines.push_back(Event("long" + std::to_string(i), "ContactRecorded",
                          R"({"studio":"S01","members":["M1"],"channel":"phone","peopleReached":)" +
                              std::to_string(i % 7) + R"(,"topic":"回访"})"));
  }
  ASSERT_TRUE(t_.Append(lines).ok());
  VerifyReport sound = VerifyEachWay(t_.ledger());
  EXPECT_TRUE(sound.ok) << sound.problem;
  EXPECT_EQ(sound.events, 5022u);
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), events, Key(3333)).ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 3333u);
  EXPECT_EQ(report.problem, "event 3333 is missing");
}

TEST_F(TamperTest, SwappedEventsAreCaught) {
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    std::string a, b;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, Key(10), &a).ok());
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, Key(11), &b).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, Key(10), b).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, Key(11), a).ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 10u);
}

TEST_F(TamperTest, RewrittenEventWithRecomputedHashIsCaughtByTheChain) {
  auto report = Tamper([](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, Key(11), &value).ok());
    StoredMessage stored(value);
    capnp::MallocMessageBuilder message;
    message.setRoot(stored.event());
    auto e = message.getRoot<schema::Event>();
    e.getContactRecorded().setPeopleReached(999);
    e.disownHash();
    auto chain = e.disownChain();
    const Hash leaf = LeafHash(e.asReader());
    e.setHash(capnp::Data::Reader(leaf.data(), leaf.size()));
    e.adoptChain(kj::mv(chain));
    auto flat = capnp::messageToFlatArray(message);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, Key(11),
                        rocksdb::Slice(flat.asChars().begin(), flat.asChars().size()))
                    .ok());
  });
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 11u);
  EXPECT_NE(report.problem.find("chain"), std::string::npos) << report.problem;
}

Hash HashOf(capnp::Data::Reader data) {
  Hash h{};
  EXPECT_EQ(data.size(), h.size());
  std::copy(data.begin(), data.begin() + std::min(data.size(), h.size()), h.begin());
  return h;
}

// An event rewritten in the layout ledgers were written in before their values were
// canonical: the same event, the texts the ledger sets placed after the payload.
std::string EarlierLayout(std::string_view value) {
  StoredMessage stored(value);
  capnp::MallocMessageBuilder message;
  message.setRoot(stored.event());
  auto e = message.getRoot<schema::Event>();
  const std::string stream = e.getStream().cStr();
  e.setStream(stream);
  auto flat = capnp::messageToFlatArray(message);
  return std::string(flat.asChars().begin(), flat.asChars().size());
}

TEST_F(TamperTest, AnEventInTheEarlierLayoutStillVerifies) {
  std::string earlier;
  auto report = Tamper([&](rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), events, Key(11), &value).ok());
    earlier = EarlierLayout(value);
    ASSERT_NE(earlier, value);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), events, Key(11), earlier).ok());
  });
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.events, 22u);
  // Not in the stored form: the leaf comes from a decoded copy.
  const std::optional<Hash> leaf = LeafHashOfStored(earlier);
  StoredMessage stored(earlier);
  EXPECT_TRUE(!leaf || *leaf != HashOf(stored.event().getHash()));
}

}  // namespace
}  // namespace wulian

namespace wulian {
namespace {

// Every stored value, by seq.
std::vector<std::string> StoredValues(Ledger& ledger) {
  std::vector<std::string> values;
  EXPECT_TRUE(ledger
                  .Scan(1, 0,
                        [&](uint64_t, std::string_view bytes) {
                          values.emplace_back(bytes);
                          return Status::OK();
                        })
                  .ok());
  return values;
}

TEST(StoredFormTest, EveryValueIsTheCanonicalEventAndGivesItsLeafFromItsBytes) {
  TestLedger t;
  auto lines = Registry();
  for (auto& l : EveryType()) lines.push_back(l);
  ASSERT_TRUE(t.Append(lines).ok());
  const std::vector<std::string> values = StoredValues(t.ledger());
  ASSERT_EQ(values.size(), lines.size());
  for (const std::string& value : values) {
    StoredMessage stored(value);
    const auto event = stored.event();
    SCOPED_TRACE(event.getSeq());
    const kj::Array<capnp::word> canonical = capnp::canonicalize(event);
    const kj::ArrayPtr<const capnp::word> segments[] = {canonical};
    const auto flat = capnp::messageToFlatArray(segments);
    EXPECT_EQ(value, std::string(flat.asChars().begin(), flat.asChars().size()));

    capnp::MallocMessageBuilder copy;
    copy.setRoot(event);
    auto unhashed = copy.getRoot<schema::Event>();
    unhashed.disownHash();
    unhashed.disownChain();
    const Hash leaf = LeafHash(unhashed.asReader());
    EXPECT_EQ(leaf, HashOf(event.getHash()));
    const std::optional<Hash> fast = LeafHashOfStored(value);
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(*fast, leaf);
  }
}

// The stored form is built from the unhashed canonical words; it must equal canonicalising
// the hashed event, however many of the root's pointers are unset (trailing ones included).
TEST(StoredFormTest, TheFormBuiltFromTheLeafWordsIsTheCanonicalHashedEvent) {
  Hash chain;
  for (size_t i = 0; i < chain.size(); ++i) chain[i] = static_cast<uint8_t>(0xa0 + i);
  for (int fields = 0; fields < 16; ++fields) {
    SCOPED_TRACE(fields);
    capnp::MallocMessageBuilder message;
    auto event = message.initRoot<schema::Event>();
    event.setSeq(7 + fields);
    if (fields & 1) event.setId("e" + std::to_string(fields));
    if (fields & 2) event.setStream("studio-S01");
    if (fields & 4) event.setRecordedAt("2026-12-07T10:00:00.000000Z");
    if (fields & 8) event.setActor("张三");
    if (fields & 3) event.initContactRecorded().setTopic("停车难");

    const CanonicalLeaf unhashed = CanonicalizeForLeaf(event.asReader());
    EXPECT_EQ(unhashed.leaf, LeafHash(event.asReader()));
    const std::string built = StoredBytes(unhashed, chain);

    event.setHash(capnp::Data::Reader(unhashed.leaf.data(), unhashed.leaf.size()));
    event.setChain(capnp::Data::Reader(chain.data(), chain.size()));
    const kj::Array<capnp::word> canonical = capnp::canonicalize(event.asReader());
    const kj::ArrayPtr<const capnp::word> segments[] = {canonical};
    const auto flat = capnp::messageToFlatArray(segments);
    EXPECT_EQ(built, std::string(flat.asChars().begin(), flat.asChars().size()));
    ASSERT_TRUE(LeafHashOfStored(built).has_value());
    EXPECT_EQ(*LeafHashOfStored(built), unhashed.leaf);
  }
}

TEST(StoredFormTest, DamagedOrTruncatedBytesNeverGiveTheLeaf) {
  TestLedger t;
  auto lines = Registry();
  for (auto& l : EveryType()) lines.push_back(l);
  ASSERT_TRUE(t.Append(lines).ok());
  for (const std::string& value : StoredValues(t.ledger())) {
    ASSERT_TRUE(LeafHashOfStored(value).has_value());
    const Hash leaf = *LeafHashOfStored(value);
    // The hash and chain blobs are the last 64 bytes: they are not hashed into the leaf.
    const size_t blobs = value.size() - 2 * sizeof(Hash);
    for (size_t at = 0; at < value.size(); ++at) {
      for (const uint8_t flip : {0x01, 0x80}) {
        std::string damaged = value;
        damaged[at] = static_cast<char>(damaged[at] ^ flip);
        const std::optional<Hash> got = LeafHashOfStored(damaged);
        if (at >= blobs) {
          EXPECT_EQ(got, leaf) << at;
        } else {
          EXPECT_TRUE(!got || *got != leaf) << at;
        }
      }
    }
    for (size_t size = 0; size < value.size(); ++size) {
      const std::optional<Hash> got = LeafHashOfStored(std::string_view(value).substr(0, size));
      EXPECT_TRUE(!got || *got != leaf) << size;
    }
    std::string longer = value + std::string(8, '\0');
    EXPECT_FALSE(LeafHashOfStored(longer).has_value());
  }
}

Submissions Parsed(const std::vector<std::string>& lines) {
  Codec codec;
  Submissions out;
  for (const auto& line : lines) EXPECT_TRUE(codec.ParseLine(line, false, &out).ok()) << line;
  return out;
}

TEST(AppendGroupTest, EachRequestStandsAloneAndAllShareOneWrite) {
  TestLedger t;
  ASSERT_TRUE(t.Append(Registry()).ok());
  const std::string contact =
      R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})";
  // The second request registers M9 and then fails: M9 must not exist for the third.
  Submissions a = Parsed({Event("a1", "ContactRecorded", contact)});
  Submissions b = Parsed(
      {Event("b1", "MemberRegistered",
             R"({"member":"M9","name":"九","sector":"s","committees":[]})"),
       Event(
           "b2", "ContactRecorded",
           R"({"studio":"S99","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})")});
  Submissions c = Parsed({Event(
      "c1", "ContactRecorded",
      R"({"studio":"S01","members":["M9"],"channel":"visit","peopleReached":3,"topic":"t"})")});
  Submissions d =
      Parsed({Event("d1", "ContactRecorded", contact), Event("d2", "ContactRecorded", contact)});
  std::vector<Status> statuses;
  std::vector<std::vector<AppendResult>> results;
  AppendOptions options;
  options.now_micros = *ParseInstant(testing::kNow);
  ASSERT_TRUE(t.ledger().AppendGroup({&a, &b, &c, &d}, options, &statuses, &results).ok());
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].code(), Code::kReferenceError);
  EXPECT_EQ(statuses[1].index(), std::optional<size_t>(1));
  EXPECT_EQ(statuses[2].code(), Code::kReferenceError);
  EXPECT_TRUE(statuses[3].ok());
  EXPECT_EQ(results[0][0].seq, 8u);
  EXPECT_TRUE(results[1].empty());
  EXPECT_EQ(results[3][0].seq, 9u);
  EXPECT_EQ(results[3][1].seq, 10u);
  EXPECT_EQ(t.ledger().GetHead().seq, 10u);
  VerifyReport report;
  ASSERT_TRUE(t.ledger().Verify(VerifyOptions{}, &report).ok());
  EXPECT_TRUE(report.ok) << report.problem;
  // The refused request left nothing: M9 can be registered now, once.
  EXPECT_TRUE(t.Append(Event("b1", "MemberRegistered",
                             R"({"member":"M9","name":"九","sector":"s","committees":[]})"))
                  .ok());
}

// Appends `groups` in order, each as one request, pipelined or not; the statuses.
std::vector<Status> AppendEach(Ledger& ledger, std::vector<Submissions>& groups, bool pipelined) {
  AppendOptions options;
  options.now_micros = *ParseInstant(testing::kNow);
  options.sync = false;
  options.wal = !pipelined;
  options.pipelined = pipelined;
  std::vector<Status> out;
  for (auto& group : groups) {
    std::vector<AppendResult> results;
    out.push_back(ledger.Append(group, options, &results));
  }
  return out;
}

// The contacts of the second group: with the registry's 7 events and 2 more, the step then
// holds kPipelinedEvents and more, and is handed off.
constexpr uint64_t kContacts = kPipelinedEvents;
std::string Seq(uint64_t n) { return std::to_string(n); }

// The groups of a pipelined run: each of the later ones reads what the second wrote, while
// that write is (most likely: it is large) still in flight.
std::vector<Submissions> GroupsReadingTheOneBefore() {
  const std::string contact =
      R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":3,"topic":"t"})";
  std::vector<Submissions> groups;
  groups.push_back(Parsed(Registry()));
  std::vector<std::string> many;
  for (uint64_t i = 0; i < kContacts; ++i)
    many.push_back(Event("c" + std::to_string(i), "ContactRecorded", contact));
  many.push_back(Event("m9", "MemberRegistered",
                       R"({"member":"M9","name":"九","sector":"s","committees":[]})"));
  many.push_back(Event("j9", "MemberJoinedStudio", R"({"studio":"S01","member":"M9"})"));
  groups.push_back(Parsed(many));
  // The same id and content: the original's result; M9 is registered and in S01; the last
  // contact (seq kContacts + 7) can be corrected.
  groups.push_back(Parsed(
      {Event("c" + Seq(kContacts - 1), "ContactRecorded", contact),
       Event(
           "x1", "ContactRecorded",
           R"({"studio":"S01","members":["M9"],"channel":"visit","peopleReached":3,"topic":"t"})"),
       Event(
           "x2", "EventCorrected",
           R"({"target":)" + Seq(kContacts + 7) +
               R"(,"reason":"人数有误","data":{"studio":"S01","members":["M1"],"channel":"visit","peopleReached":4,"topic":"t"}})")}));
  // Refused, each against the group before: M9 again, an id with other content.
  groups.push_back(Parsed({Event("m9b", "MemberRegistered",
                                 R"({"member":"M9","name":"九","sector":"s","committees":[]})")}));
  groups.push_back(Parsed({Event(
      "x1", "ContactRecorded",
      R"({"studio":"S01","members":["M9"],"channel":"visit","peopleReached":5,"topic":"t"})")}));
  groups.push_back(Parsed({Event("x3", "EventRetracted",
                                 R"({"target":)" + Seq(kContacts + 10) + R"(,"reason":"重复"})")}));
  return groups;
}

TEST(PipelinedAppendTest, EachAppendReadsTheWriteInFlightAndTheLedgerEqualsAnUnpipelinedOne) {
  TestLedger pipelined, plain;
  std::vector<Submissions> a = GroupsReadingTheOneBefore(), b = GroupsReadingTheOneBefore();
  const std::vector<Status> got = AppendEach(pipelined.ledger(), a, true);
  const std::vector<Status> want = AppendEach(plain.ledger(), b, false);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].code(), want[i].code()) << "group " << i << ": " << got[i].message();
    EXPECT_EQ(got[i].message(), want[i].message()) << "group " << i;
  }
  EXPECT_TRUE(want[2].ok()) << want[2].message();
  EXPECT_EQ(want[3].code(), Code::kReferenceError);
  EXPECT_EQ(want[4].code(), Code::kDuplicateId);
  EXPECT_TRUE(want[5].ok()) << want[5].message();
  ASSERT_TRUE(pipelined.ledger().Flush().ok());
  EXPECT_EQ(pipelined.ledger().GetHead().seq, kContacts + 12);
  EXPECT_EQ(pipelined.ledger().GetHead().chain, plain.ledger().GetHead().chain);
  EXPECT_EQ(pipelined.ledger().GetHead().root, plain.ledger().GetHead().root);
  EXPECT_EQ(ExportAll(pipelined.ledger()), ExportAll(plain.ledger()));
  // What the state cache took from the writes in flight holds after a reopen too.
  pipelined.Reopen();
  VerifyReport report;
  ASSERT_TRUE(pipelined.ledger().Verify(VerifyOptions{}, &report).ok());
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.head.chain, plain.ledger().GetHead().chain);
  EXPECT_EQ(pipelined
                .Append(Event("m9c", "MemberRegistered",
                              R"({"member":"M9","name":"九","sector":"s","committees":[]})"))
                .code(),
            Code::kReferenceError);
}

}  // namespace
}  // namespace wulian
