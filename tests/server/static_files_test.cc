// The web workspace's files served by a real server (server/static_files.h): content types,
// caching, gzip, the app's routes answered with index.html, and hostile paths that must
// never reach a file outside the bundle.
#include "server/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/server/harness.h"

namespace wulian {
namespace {

using testing::Reply;
using testing::ServedLedger;
namespace http = boost::beast::http;

void Write(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

// A bundle as `npm run build` writes it: index.html, hashed assets with .gz beside some.
class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest()
      : served_(2000, [this](server::ServerOptions& o) {
          web_ = o.data_dir + "/bundle";
          Write(web_ + "/index.html", "<!doctype html><title>五联</title><div id=app></div>");
          Write(web_ + "/assets/index-3f2a9c.js", "console.log('app')");
          Write(web_ + "/assets/index-3f2a9c.js.gz", "GZIPPED-JS");
          Write(web_ + "/assets/index-77aa01.css", "body{}");
          Write(web_ + "/favicon.svg", "<svg/>");
          // a secret beside the bundle, which no path may reach
          Write(o.data_dir + "/secret.txt", "SECRET");
          o.web_dir = web_;
        }) {}

  Reply Get(const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return served_.Call(http::verb::get, target, "", "", headers);
  }

  std::string web_;
  ServedLedger served_;
};

TEST_F(StaticFilesTest, FilesHaveTheirTypesAndHashedAssetsAreCachedForAYear) {
  Reply r = Get("/assets/index-3f2a9c.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "console.log('app')");
  EXPECT_EQ(r.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  r = Get("/assets/index-77aa01.css");
  EXPECT_EQ(r.content_type, "text/css; charset=utf-8");
  r = Get("/favicon.svg");
  EXPECT_EQ(r.content_type, "image/svg+xml");
  EXPECT_EQ(r.header("cache-control"), "no-cache");  // not hashed: revalidated
  r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
}

TEST_F(StaticFilesTest, GzipIsSentOnlyToBrowsersThatAcceptIt) {
  Reply r = Get("/assets/index-3f2a9c.js", {{"Accept-Encoding", "gzip, deflate, br"}});
  EXPECT_EQ(r.body, "GZIPPED-JS");
  EXPECT_EQ(r.header("content-encoding"), "gzip");
  EXPECT_EQ(r.header("vary"), "Accept-Encoding");
  r = Get("/assets/index-3f2a9c.js", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(r.body, "console.log('app')");
  EXPECT_EQ(r.header("content-encoding"), "");
  r = Get("/assets/index-77aa01.css", {{"Accept-Encoding", "gzip"}});  // no .gz written
  EXPECT_EQ(r.body, "body{}");
  EXPECT_EQ(r.header("content-encoding"), "");
}

TEST_F(StaticFilesTest, TheAppsRoutesGetIndexAMissingAssetIsNotFound) {
  const std::string index = Get("/").body;
  for (const char* route :
       {"/studios/S01", "/members/M001/print?year=2026", "/login?next=%2F", "/record"}) {
    Reply r = Get(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, index) << route;
  }
  Reply r = Get("/assets/index-000000.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("<!doctype"), std::string::npos);  // not index.html under a .js name
}

TEST_F(StaticFilesTest, HostilePathsNeverLeaveTheBundle) {
  for (const char* target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/assets/..\\..\\secret.txt",
        "/assets/index-3f2a9c.js%00.txt", "//etc/passwd", "/assets//../index.html"}) {
    Reply r = Get(target);
    EXPECT_EQ(r.body.find("SECRET"), std::string::npos) << target;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << target;
    EXPECT_TRUE(r.status == 200 || r.status == 400 || r.status == 404) << target << " " << r.status;
  }
  // State-changing methods on the workspace's paths are refused.
  Reply r = served_.Call(http::verb::post, "/index.html", "", "x");
  EXPECT_EQ(r.status, 405);
  r = served_.Call(http::verb::delete_, "/assets/index-3f2a9c.js", "");
  EXPECT_EQ(r.status, 405);
}

TEST(StaticFilesLoadTest, ABundleWithoutIndexAnswersThatTheWorkspaceIsNotBuilt) {
  testing::TempDir dir;
  server::StaticFiles files;
  ASSERT_TRUE(files.Load(dir.path() + "/nowhere").ok());
  EXPECT_FALSE(files.built());
  const server::StaticFile* page = files.Find("/studios/S01");
  ASSERT_NE(page, nullptr);
  EXPECT_NE(page->body.find("tools/setup.sh"), std::string::npos);
  EXPECT_EQ(files.Find("/assets/x.js"), nullptr);
}

}  // namespace
}  // namespace wulian
