#include "server/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace wulian::server {
namespace {

const char* TypeOf(const std::string& ext) {
  static const std::map<std::string, const char*> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".ttf", "font/ttf"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json; charset=utf-8"}};
  auto it = kTypes.find(ext);
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

bool ReadAll(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return static_cast<bool>(in) || in.eof();
}

}  // namespace

Status StaticFiles::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  missing_.type = "text/html; charset=utf-8";
  missing_.body =
      "<!doctype html><html lang=\"zh-CN\"><meta "
      "charset=\"utf-8\"><title>五联委员工作室台账</title>"
      "<p>网页工作台尚未构建：请运行 tools/setup.sh。The web workspace is not built: run "
      "tools/setup.sh.</p></html>\n";
  if (dir.empty()) return Status::OK();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::OK();
  size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() == ".gz") continue;
    const std::string rel = "/" + fs::relative(it->path(), dir).generic_string();
    StaticFile file;
    file.type = TypeOf(it->path().extension().string());
    if (!ReadAll(it->path(), &file.body))
      return Status::IOError("cannot read " + it->path().string());
    fs::path gz = it->path();
    gz += ".gz";
    if (fs::exists(gz, ec) && !ReadAll(gz, &file.gzip))
      return Status::IOError("cannot read " + gz.string());
    file.immutable = rel.rfind("/assets/", 0) == 0;
    total += file.body.size() + file.gzip.size();
    if (total > kStaticBytesMax) return Status::InvalidArgument(dir + " is larger than 64 MiB");
    files_[rel] = std::move(file);
  }
  if (ec) return Status::IOError("cannot read " + dir + ": " + ec.message());
  return Status::OK();
}

const StaticFile* StaticFiles::Find(const std::string& path) const {
  auto it = files_.find(path == "/" ? "/index.html" : path);
  if (it != files_.end()) return &it->second;
  if (path.rfind("/assets/", 0) == 0) return nullptr;
  it = files_.find("/index.html");
  return it == files_.end() ? &missing_ : &it->second;
}

}  // namespace wulian::server
