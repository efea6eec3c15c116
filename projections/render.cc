// Renderings of the JSON report. Placeholder bodies until the renderers exist.
#include "projections/report.h"

namespace wulian::projections {

Status RenderMarkdown(const std::string& report_json, std::string* out) {
  *out = report_json;
  return Status::OK();
}
Status RenderCsv(const std::string& report_json, std::string* out) {
  *out = report_json;
  return Status::OK();
}
Status RenderHtml(const std::string& report_json, std::string* out) {
  *out = report_json;
  return Status::OK();
}

}  // namespace wulian::projections
