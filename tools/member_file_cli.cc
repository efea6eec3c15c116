// `report member ID --year YYYY [--format json|html|pdf] [--out FILE]` and
// `report members --year YYYY [--format json|html|pdf] --out DIR`: the member's annual file
// (memberfile/member_file.h), anchored to the head of the live views, with a head signed by
// the ledger's key. Same ledger head, same arguments → same bytes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "documents/document.h"
#include "memberfile/member_file.h"
#include "projections/views.h"
#include "tools/cli.h"

namespace wulian::cli {
namespace {

using projections::Policy;
using projections::Views;

constexpr char kMemberFileUsage[] =
    "usage: report member ID --year YYYY [--format json|html|pdf] [--out FILE] | "
    "report members --year YYYY [--format json|html|pdf] --out DIR";

// A member id as a file name: ids are checked on the way in, but a name is never a path.
bool SafeFileName(const std::string& id) {
  return !id.empty() && id[0] != '.' && id.find('/') == std::string::npos &&
         id.find('\\') == std::string::npos;
}

}  // namespace

int MemberFileCommand(const Args& args) {
  static const std::set<std::string> kFormats = {"json", "html", "pdf"};
  const std::string what = args.positional.empty() ? "" : args.positional[0];
  const auto year = args.flags.find("year");
  const auto format_flag = args.flags.find("format");
  const std::string format = format_flag == args.flags.end() ? "json" : format_flag->second;
  const auto out = args.flags.find("out");
  const bool one = what == "member" && args.positional.size() == 2;
  const bool all = what == "members" && args.positional.size() == 1 && out != args.flags.end();
  if ((!one && !all) || year == args.flags.end() || !kFormats.count(format)) {
    return Fail(Status::InvalidArgument(kMemberFileUsage));
  }
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<Views> views;
  std::unique_ptr<SigningKey> key;
  Policy policy;
  Status s = OpenLedger(args.data, &ledger);
  if (s.ok()) s = Policy::Load(PolicyPath(args.data), &policy);
  if (s.ok()) s = SigningKey::Load(SigningKeyPath(args.data), &key);
  if (s.ok()) s = Views::Open(ViewsDir(args.data), &views);
  if (s.ok()) s = views->CatchUp(*ledger);
  if (!s.ok()) return Fail(s);
  auto build = [&](const std::string& id, std::string* bytes) {
    memberfile::MemberFile file;
    Status b =
        memberfile::BuildMemberFile(*ledger, *views, policy, id, year->second, key.get(), &file);
    return b.ok() ? memberfile::RenderMemberFile(file, format, bytes) : b;
  };
  std::string bytes;
  if (one) {
    return Deliver(args, build(args.positional[1], &bytes), bytes);
  }
  std::error_code error;
  // The files are the caller's: never among the ledger's own (its database, its views).
  const auto data = std::filesystem::weakly_canonical(args.data, error);
  const auto dir = std::filesystem::weakly_canonical(out->second, error);
  const auto [inside, rest] = std::mismatch(data.begin(), data.end(), dir.begin(), dir.end());
  if (!error && inside == data.end()) {
    return Fail(Status::InvalidArgument("--out " + out->second +
                                        " is inside the ledger directory; choose another"));
  }
  std::filesystem::create_directories(out->second, error);
  if (error) return Fail(Status::IOError("cannot create " + out->second + ": " + error.message()));
  std::string listed;
  size_t written = 0;
  for (const auto& id : views->MemberIds()) {
    if (!SafeFileName(id))
      return Fail(Status::InvalidArgument("member id unfit as a file name: " + id));
    const std::string path = out->second + "/" + id + "." + format;
    s = build(id, &bytes);
    if (s.ok()) s = WriteOutput(path, bytes);
    if (!s.ok()) return Fail(s);
    listed += (written++ == 0 ? "" : ",") + JsonString(path);
  }
  std::cout << "{\"year\":" << JsonString(year->second) << ",\"members\":" << written
            << ",\"files\":[" << listed << "]}\n";
  return 0;
}

}  // namespace wulian::cli
