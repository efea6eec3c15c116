// Strict parsing of client events (SPEC §3.1, §3.3 INVALID_EVENT) and the JSON of stored events.
#include "events/codec.h"

#include <capnp/schema.h>
#include <gtest/gtest.h>

#include "tests/support.h"

namespace wulian {
namespace {

using testing::Event;

const std::string kContact =
    R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":25,"topic":"停车难"})";

Status Parse(const std::string& line, size_t* count = nullptr) {
  Codec codec;
  Submissions out;
  Status s = codec.ParseLine(line, true, &out);
  if (count) *count = out.size();
  return s;
}

void ExpectInvalid(const std::string& line, const std::string& fragment = "") {
  Status s = Parse(line);
  EXPECT_EQ(s.code(), Code::kInvalidEvent) << line;
  if (!fragment.empty()) {
    EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
  }
}

TEST(CodecTest, AcceptsTheSpecExample) {
  EXPECT_TRUE(
      Parse(
          R"({"id": "c0a8-0001", "type": "ContactRecorded", "occurredAt": "2025-03-01T09:30:00+08:00",
 "expectedVersion": 12, "data": {"studio": "S01", "members": ["M001"], "channel": "visit",
 "peopleReached": 25, "topic": "停车难"}})")
          .ok());
}

TEST(CodecTest, RefusesMalformedJson) {
  ExpectInvalid("{", "not JSON");
  ExpectInvalid("", "not JSON");
  ExpectInvalid("nul", "not JSON");
  ExpectInvalid(Event("a", "ContactRecorded", kContact) + "x", "not JSON");
  ExpectInvalid(R"({"id":"a",})", "not JSON");
}

TEST(CodecTest, RefusesTopLevelArraysAndScalars) {
  ExpectInvalid("[" + Event("a", "ContactRecorded", kContact) + "]", "object");
  ExpectInvalid("42", "object");
  ExpectInvalid("\"x\"", "object");
}

TEST(CodecTest, RefusesNumbersSentAsStrings) {
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":"25","topic":"t"})"),
      "data.peopleReached: must be a number");
  ExpectInvalid(Event("a", "ContactRecorded", kContact, "2025-03-01T09:30:00+08:00",
                      R"(,"expectedVersion":"3")"),
                "expectedVersion");
}

TEST(CodecTest, RefusesUnknownAndStoredFields) {
  ExpectInvalid(
      Event("a", "ContactRecorded", kContact, "2025-03-01T09:30:00+08:00", R"(,"colour":1)"),
      "\"colour\" is not a field");
  for (std::string stored : {"seq", "recordedAt", "stream", "version", "hash", "chain", "actor"}) {
    ExpectInvalid(Event("a", "ContactRecorded", kContact, "2025-03-01T09:30:00+08:00",
                        ",\"" + stored + "\":1"),
                  "set by the ledger");
  }
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":2,"topic":"t","x":1})"),
      "\"x\" is not a field of ContactRecorded");
}

TEST(CodecTest, RefusesMissingFieldsAndDuplicateKeys) {
  ExpectInvalid(R"({"id":"a","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00"})",
                "\"data\" is missing");
  ExpectInvalid(Event("a", "ContactRecorded",
                      R"({"studio":"S01","members":["M1"],"channel":"visit","topic":"t"})"),
                "\"peopleReached\" is missing");
  ExpectInvalid(
      R"({"id":"a","id":"b","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":{}})",
      "given twice");
}

TEST(CodecTest, RefusesUnknownTypesAndEnumValues) {
  ExpectInvalid(Event("a", "ContactDeleted", kContact), "unknown event type");
  ExpectInvalid(Event("a", "contactRecorded", kContact), "unknown event type");
  ExpectInvalid(
      Event("a", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"fax","peopleReached":1,"topic":"t"})"),
      "must be one of visit|reception|phone|online|platform|activity");
}

TEST(CodecTest, RefusesBadIdsNamesAndLists) {
  ExpectInvalid(Event("bad id", "ContactRecorded", kContact), "id:");
  ExpectInvalid(Event(std::string(65, 'a'), "ContactRecorded", kContact), "id:");
  EXPECT_TRUE(Parse(Event("a:b.c-d_e", "ContactRecorded", kContact)).ok());
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S:01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"t"})"),
      "data.studio");
  ExpectInvalid(
      Event("a", "ContactRecorded",
            R"({"studio":"S01","members":[],"channel":"visit","peopleReached":1,"topic":"t"})"),
      "data.members: must have 1-");
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1","M1"],"channel":"visit","peopleReached":1,"topic":"t"})"),
      "listed twice");
  ExpectInvalid(
      Event("a", "ContactRecorded",
            R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":""})"),
      "data.topic: must be 1-4000 bytes");
  ExpectInvalid(
      Event("a", "CommitteeRegistered",
            R"({"committee":"C1","name":")" + std::string(201, 'n') + R"(","supervises":false})"),
      "data.name: must be 1-200 bytes");
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"a\u0000b"})"),
      "U+0000");
}

TEST(CodecTest, RefusesOutOfRangeAndFractionalNumbers) {
  auto contact = [](const std::string& people) {
    return Event("a", "ContactRecorded",
                 R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":)" + people +
                     R"(,"topic":"t"})");
  };
  ExpectInvalid(contact("-1"), "must be from 0");
  ExpectInvalid(contact("4294967296"), "must be from 0");
  ExpectInvalid(contact("2.5"), "must be an integer");
  ExpectInvalid(contact("1e400"), "");
  EXPECT_TRUE(Parse(contact("4294967295")).ok());
  ExpectInvalid(Event("a", "EventRetracted", R"({"target":0,"reason":"r"})"),
                "data.target: must be from 1");
  ExpectInvalid(Event("a", "EventRetracted", R"({"target":9007199254740993,"reason":"r"})"),
                "data.target");
}

TEST(CodecTest, RefusesBadDatesAndTimes) {
  auto licensed = [](const std::string& on) {
    return Event(
        "a", "StudioLicensed",
        R"({"studio":"S02","name":"n","linkType":"industry","leadMember":"M2","committee":"C1","partyOrg":"p","batch":1,"licensedOn":")" +
            on + R"("})");
  };
  EXPECT_TRUE(Parse(licensed("2024-02-29")).ok());
  ExpectInvalid(licensed("2023-02-29"), "data.licensedOn: must be a date");
  ExpectInvalid(licensed("2024-1-01"), "data.licensedOn");
  for (std::string t : {"2025-03-01 09:30:00+08:00", "2025-03-01T09:30:00", "2025-13-01T09:30:00Z",
                        "2025-03-01T24:00:00Z", "2025-03-01T09:30:00+8:00", "yesterday"}) {
    ExpectInvalid(Event("a", "ContactRecorded", kContact, t), "occurredAt: must be RFC 3339");
  }
  ExpectInvalid(Event("a", "ContactRecorded", kContact, "1999-12-31T23:59:59Z"), "before 2000");
  EXPECT_TRUE(Parse(Event("a", "ContactRecorded", kContact, "2025-03-01T01:30:00.125Z")).ok());
}

TEST(CodecTest, RequiresTownForLocalityStudios) {
  ExpectInvalid(
      Event(
          "a", "StudioLicensed",
          R"({"studio":"S09","name":"n","linkType":"locality","leadMember":"M2","committee":"C1","partyOrg":"p","batch":1,"licensedOn":"2024-11-08"})"),
      "town");
  ExpectInvalid(
      Event(
          "a", "StudioLicensed",
          R"({"studio":"S09","name":"n","linkType":"industry","leadMember":"M2","committee":"C1","partyOrg":"p","batch":0,"licensedOn":"2024-11-08"})"),
      "data.batch: must be from 1");
}

TEST(CodecTest, RefusesInvalidUtf8AndLoneSurrogates) {
  ExpectInvalid(Event("a", "ContactRecorded",
                      "{\"studio\":\"S01\",\"members\":[\"M1\"],\"channel\":\"visit\","
                      "\"peopleReached\":1,\"topic\":\"\xff\xfe\"}"),
                "UTF-8");
  ExpectInvalid(Event("a", "ContactRecorded",
                      "{\"studio\":\"S01\",\"members\":[\"M1\"],\"channel\":\"visit\","
                      "\"peopleReached\":1,\"topic\":\"\xc0\xaf\"}"),
                "UTF-8");
  ExpectInvalid(Event("a", "ContactRecorded",
                      "{\"studio\":\"S01\",\"members\":[\"M1\"],\"channel\":\"visit\","
                      "\"peopleReached\":1,\"topic\":\"\xed\xa0\x80\"}"),
                "UTF-8");
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"x\ud800y"})"),
      "surrogate");
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"x\udc00"})"),
      "surrogate");
  EXPECT_TRUE(
      Parse(
          Event(
              "a", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"\ud83d\ude00 \\u00e9"})"))
          .ok());
}

TEST(CodecTest, DecodesEscapedSurrogatePairsAsTheirCharacter) {
  Codec codec;
  Submissions out;
  ASSERT_TRUE(
      codec
          .ParseLine(
              Event(
                  "a", "ContactRecorded",
                  R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"\ud83d\ude00 \u00e9"})"),
              false, &out)
          .ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::string(out[0]->event().getContactRecorded().getTopic().cStr()), "😀 é");
}

TEST(CodecTest, RefusesDeepNestingAndHugeLines) {
  ExpectInvalid(std::string(100000, '[') + std::string(100000, ']'), "");
  ExpectInvalid(
      Event(
          "a", "ContactRecorded",
          R"({"studio":"S01","members":[[[[[[[["M1"]]]]]]]],"channel":"visit","peopleReached":1,"topic":"t"})"),
      "");
  ExpectInvalid(std::string(kLineBytesMax + 1, ' '), "longer than");
}

TEST(CodecTest, ParsesBatchesAndNamesTheRefusedIndex) {
  size_t count = 0;
  const std::string good = Event("a", "ContactRecorded", kContact);
  EXPECT_TRUE(Parse(R"({"events":[)" + good + "," + good + "]}", &count).ok());
  EXPECT_EQ(count, 2u);
  Status s = Parse(R"({"events":[)" + good + "," + good + R"(,{"id":"x"}]})", &count);
  EXPECT_EQ(s.code(), Code::kInvalidEvent);
  ASSERT_TRUE(s.index().has_value());
  EXPECT_EQ(*s.index(), 2u);
  EXPECT_EQ(count, 0u);
  ExpectInvalid(R"({"events":[]})", "events: must be an array");
  std::string big = R"({"events":[)";
  for (size_t i = 0; i <= kBatchEventsMax; ++i) big += (i ? "," : "") + good;
  ExpectInvalid(big + "]}", "events: must be an array of 1-1000");
}

TEST(CodecTest, AnnotationIdsMatchTheSchema) {
  // codec.cc reads the check annotations by id; the schema must still declare them.
  bool kind = false, optional = false, minimum = false;
  for (auto field : capnp::Schema::from<schema::StudioLicensed>().getFields()) {
    for (auto a : field.getProto().getAnnotations()) {
      kind |= a.getId() == 0xcaa2a28681750808ull;
      optional |= a.getId() == 0xca4b7f402dc570a3ull;
      minimum |= a.getId() == 0xfde98557d1d5b74dull;
    }
  }
  EXPECT_TRUE(kind && optional && minimum);
}

TEST(CodecTest, PayloadUnionLinesUpWithTheEventUnion) {
  auto events = capnp::Schema::from<schema::Event>().getUnionFields();
  auto payloads = capnp::Schema::from<schema::Payload>().getUnionFields();
  ASSERT_EQ(payloads.size() + 2, events.size());
  for (unsigned i = 0; i < payloads.size(); ++i) {
    EXPECT_EQ(std::string(payloads[i].getProto().getName().cStr()),
              events[i].getProto().getName().cStr());
    EXPECT_EQ(payloads[i].getType(), events[i].getType());
  }
  EXPECT_EQ(TypeName(schema::Event::CONTACT_RECORDED), "ContactRecorded");
  EXPECT_EQ(TypeName(schema::Event::EVENT_RETRACTED), "EventRetracted");
}

TEST(CodecTest, IsValidUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain 渝事好商量 😀"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xe6\xb8"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
}

}  // namespace
}  // namespace wulian

namespace wulian {
namespace {

TEST(CodecStrictTest, RefusesNulAndControlCharactersAnywhere) {
  const std::string c =
      R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"t"})";
  ExpectInvalid(
      R"({"id":"x\u0000junk","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":)" +
          c + "}",
      "U+0000");
  ExpectInvalid(
      R"({"id":"x","type":"ContactRecorded\u0000","occurredAt":"2025-03-01T09:30:00+08:00","data":)" +
          c + "}",
      "U+0000");
  ExpectInvalid(
      R"({"id":"x","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00\u0000z","data":)" +
          c + "}",
      "U+0000");
  ExpectInvalid(
      R"({"id\u0000":"x","type":"ContactRecorded","occurredAt":"2025-03-01T09:30:00+08:00","data":)" +
          c + "}",
      "U+0000");
  ExpectInvalid(Event("x", "ContactRecorded",
                      "{\"studio\":\"S01\",\"members\":[\"M1\"],\"channel\":\"visit\","
                      "\"peopleReached\":1,\"topic\":\"a\x01b\"}"),
                "control character inside a string");
  ExpectInvalid(Event("x", "ContactRecorded", c) + "\x01", "control character");
  ExpectInvalid(
      Event(
          "x", "ContactRecorded",
          R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":1,"topic":"a\qb"})"),
      "bad escape");
}

TEST(CodecStrictTest, RefusesNumbersOutsideTheJsonGrammar) {
  for (std::string n : {"25.", "025", "+1", "1e", "-", ".5", "1.e3", "0x10"}) {
    Status s =
        Parse(Event("x", "ContactRecorded",
                    R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":)" + n +
                        R"(,"topic":"t"})"));
    EXPECT_EQ(s.code(), Code::kInvalidEvent) << n;
  }
  EXPECT_TRUE(
      Parse(
          Event(
              "x", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":25,"topic":"t"})"))
          .ok());
  EXPECT_TRUE(
      Parse(
          Event(
              "x", "ContactRecorded",
              R"({"studio":"S01","members":["M1"],"channel":"visit","peopleReached":2.5e1,"topic":"t"})"))
          .ok());
}

}  // namespace
}  // namespace wulian
