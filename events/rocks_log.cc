#include <rocksdb/env.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <string_view>

#include "events/store.h"

namespace wulian {
namespace {

// RocksDB's info log written through an spdlog logger.
class RocksLogger : public rocksdb::Logger {
 public:
  explicit RocksLogger(std::shared_ptr<spdlog::logger> log)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), log_(std::move(log)) {}

  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char line[kRocksLogLineBytesMax];
    const int written = std::vsnprintf(line, sizeof line, format, ap);
    std::string_view text(line, std::clamp<size_t>(written < 0 ? 0 : written, 0, sizeof line - 1));
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);  // spdlog ends the line
    log_->log(LevelOf(level), "{}", text);
  }
  void Flush() override { log_->flush(); }

 private:
  static spdlog::level::level_enum LevelOf(rocksdb::InfoLogLevel level) {
    switch (level) {
      case rocksdb::InfoLogLevel::DEBUG_LEVEL:
        return spdlog::level::debug;
      case rocksdb::InfoLogLevel::INFO_LEVEL:
      case rocksdb::InfoLogLevel::HEADER_LEVEL:
        return spdlog::level::info;
      case rocksdb::InfoLogLevel::WARN_LEVEL:
        return spdlog::level::warn;
      case rocksdb::InfoLogLevel::ERROR_LEVEL:
        return spdlog::level::err;
      default:
        return spdlog::level::critical;
    }
  }

  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& db_dir) {
  try {
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
        db_dir + "/LOG", kRocksLogBytesMax, kRocksLogFilesKept);
    auto log = std::make_shared<spdlog::logger>("rocksdb " + db_dir, std::move(sink));
    log->set_pattern("%Y/%m/%d-%H:%M:%S.%f %t %v");
    log->set_level(spdlog::level::info);
    log->flush_on(spdlog::level::warn);
    // A write that fails (the disk is full) loses that line of the log, nothing else.
    log->set_error_handler([](const std::string&) {});
    return std::make_shared<RocksLogger>(std::move(log));
  } catch (const spdlog::spdlog_ex&) {
    // The file cannot even be opened: the database will say why when it opens.
    return nullptr;
  }
}

}  // namespace wulian
