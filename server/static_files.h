// The web workspace's files (SPEC §6.2 `/`): the built bundle (web/dist) read into memory
// when the server starts, served with their content types, gzip when the browser accepts it
// (from the `.gz` files the build writes beside them), long-lived caching for the hashed
// names under /assets/, and index.html for every other path (the app's own routes).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/status.h"

namespace wulian::server {

inline constexpr size_t kStaticBytesMax = 64 * 1024 * 1024;  // the whole bundle, in memory

struct StaticFile {
  std::string type;
  std::string body;
  std::string gzip;        // empty if the build wrote no .gz
  bool immutable = false;  // a hashed asset name: cached for a year
};

class StaticFiles {
 public:
  // Reads every file under `dir`. An empty `dir` or one without index.html gives a bundle
  // that answers only with a page saying the workspace is not built.
  Status Load(const std::string& dir);
  // The file for a request path ("/", "/assets/index-3f2a.js", "/studios/S01"), or nullopt
  // for a path under /assets/ that does not exist.
  const StaticFile* Find(const std::string& path) const;
  bool built() const { return files_.count("/index.html") != 0; }

 private:
  std::map<std::string, StaticFile> files_;
  StaticFile missing_;
};

}  // namespace wulian::server
