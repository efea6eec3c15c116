// The projector (internal to projections/): applies events, in seq order, to the state of
// state.h. Corrections replace and retractions remove the target's contribution: every
// contribution is a signed effect, so a correction is the old data's effect with sign −1
// followed by the new data's with +1, and a retraction is the old data's with −1.
#pragma once

#include <functional>

#include "events/ledger.capnp.h"
#include "events/store.h"
#include "projections/state.h"

namespace wulian::projections {

class Projector {
 public:
  // Decides whether an event that is not a correction or retraction counts (for as-of
  // replay); a correction or retraction counts when its target does.
  using Filter = std::function<bool(schema::Event::Reader)>;

  // `ledger` is read to find the data a correction or retraction replaces.
  Projector(state::Writer& writer, const Ledger& ledger, Filter filter)
      : w_(writer), ledger_(ledger), filter_(std::move(filter)) {}

  Status Apply(uint64_t seq, schema::Event::Reader event);

 private:
  // Where a contribution belongs: the original event's seq, studio and times.
  struct Origin {
    uint64_t seq;
    std::string studio;
    int64_t occurred;
    int64_t recorded;
  };
  template <typename Data>
  void Effect(const Origin& origin, Data data, int sign);
  template <typename Data>
  void Activity(const Origin& origin, Data data, int sign);
  void Contact(const Origin& o, schema::ContactRecorded::Reader d, int sign);
  void Consultation(const Origin& o, schema::ConsultationHeld::Reader d, int sign);
  void CaseOpened(const Origin& o, schema::CaseOpened::Reader d, int sign);
  void CaseResolved(const Origin& o, schema::CaseResolved::Reader d, int sign);
  void Submitted(const Origin& o, schema::SuggestionSubmitted::Reader d, int sign);
  void Adopted(const Origin& o, schema::SuggestionAdopted::Reader d, int sign);
  void FindingRaised(const Origin& o, schema::FindingRaised::Reader d, int sign);
  void FindingRectified(const Origin& o, schema::FindingRectified::Reader d, int sign);
  void Committee(schema::CommitteeRegistered::Reader d, int sign);
  void Member(schema::MemberRegistered::Reader d, int sign);
  void Studio(schema::StudioLicensed::Reader d, int sign);
  void StatusChange(const Origin& o, schema::StudioStatus status, int sign);
  void Membership(const std::string& studio, const std::string& member, uint64_t seq, bool join,
                  int sign);
  void MemberActivity(const Origin& o, capnp::List<capnp::Text>::Reader members, int counter,
                      int sign);
  void Credit(const std::vector<std::string>& members, int64_t occurred, int counter, int sign);
  // A correction or retraction.
  Status Change(uint64_t seq, schema::Event::Reader event);

  state::Writer& w_;
  const Ledger& ledger_;
  Filter filter_;
};

}  // namespace wulian::projections
