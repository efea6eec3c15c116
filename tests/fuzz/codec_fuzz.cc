// Fuzz target: every input path that reads untrusted text — event lines and batches (and a
// correction's data against every target type), small
// JSON documents (heads, keys, proofs), instants and dates — must refuse bad input with a
// Status and never crash, hang or read out of bounds. Built by tools/fuzz.sh with libFuzzer;
// tests/fuzz/fuzz_smoke_test.cc runs it over mutated seeds in the suite.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/time.h"
#include "events/codec.h"
#include "events/signing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  thread_local wulian::Codec codec;
  wulian::Submissions out;
  bool batch = false;
  wulian::Status s = codec.ParseLine(text, /*allow_batch=*/true, &out, &batch);
  if (s.ok()) {
    // What is accepted has an id, a known type and an instant.
    for (auto& sub : out) {
      auto event = sub->event();
      if (event.getId().size() == 0 || !wulian::ParseInstant(event.getOccurredAt().cStr()))
        __builtin_trap();
      // A correction's data is decoded once its target's type is known: try each type.
      if (event.isEventCorrected()) {
        for (unsigned t = 0; t <= wulian::schema::Event::EVENT_RETRACTED; ++t) {
          codec.DecodeReplacement(static_cast<wulian::schema::Event::Which>(t), sub.get())
              .IgnoreError();
        }
      }
    }
  } else if (!out.empty()) {
    __builtin_trap();  // a refused line appends nothing
  }
  wulian::TreeHead head;
  wulian::ParseTreeHead(text, &head).IgnoreError();
  wulian::PublicKey key;
  wulian::ParsePublicKey(text, &key).IgnoreError();
  wulian::ParseInstant(text);
  wulian::ParseDate(text);
  return 0;
}
