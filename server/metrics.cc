#include "server/metrics.h"

#include <cstdio>

namespace wulian::server {

std::string Histogram::Render(const std::string& name, const std::string& help) const {
  std::string out = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
  char line[160];
  for (size_t i = 0; i < bounds_.size(); ++i) {
    std::snprintf(line, sizeof line, "%s_bucket{le=\"%g\"} %llu\n", name.c_str(), bounds_[i],
                  static_cast<unsigned long long>(buckets_[i].load()));
    out += line;
  }
  std::snprintf(line, sizeof line, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n",
                name.c_str(), static_cast<unsigned long long>(count_.load()), name.c_str(),
                sum_millionths_.load() / 1e6, name.c_str(),
                static_cast<unsigned long long>(count_.load()));
  return out + line;
}

std::string Metrics::Render() const {
  std::string out;
  auto counter = [&](const char* name, const char* type, const char* help, long long value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  counter("wulian_http_requests_total", "counter", "HTTP requests answered.",
          static_cast<long long>(requests));
  counter("wulian_appended_events_total", "counter", "Events appended.",
          static_cast<long long>(appended_events));
  counter("wulian_refused_requests_total", "counter", "Append requests refused.",
          static_cast<long long>(refused_requests));
  counter("wulian_sync_batches_total", "counter", "Synced writes (group commits).",
          static_cast<long long>(sync_batches));
  counter("wulian_connections", "gauge", "Open connections.", static_cast<long long>(connections));
  counter("wulian_connections_refused_total", "counter", "Connections refused at the limit.",
          static_cast<long long>(connections_refused));
  counter("wulian_accept_failures_total", "counter",
          "Failed accepts (out of descriptors, say), each followed by a pause.",
          static_cast<long long>(accept_failures));
  counter("wulian_reports_dropped_total", "counter",
          "Reports dropped before they were built: their client had gone.",
          static_cast<long long>(reports_dropped));
  counter("wulian_head_seq", "gauge", "The newest event.", static_cast<long long>(head_seq));
  counter("wulian_views_seq", "gauge", "The newest event in the views.",
          static_cast<long long>(views_seq));
  counter("wulian_projection_lag_events", "gauge", "Events not yet in the views.",
          static_cast<long long>(head_seq) - static_cast<long long>(views_seq));
  out += group_requests.Render("wulian_sync_batch_requests", "Append requests per synced write.");
  out += append_seconds.Render("wulian_append_seconds", "Time from append request to its answer.");
  out += query_seconds.Render("wulian_query_seconds", "Time to answer a view query.");
  return out;
}

}  // namespace wulian::server
