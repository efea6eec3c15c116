// The report as an .xlsx workbook (placeholder until the spreadsheet rendering lands).
#include "projections/report_model.h"

namespace wulian::projections {

Status RenderXlsx(const ReportModel&, const std::string&, std::string*) {
  return Status::InvalidArgument("xlsx is not built yet");
}

}  // namespace wulian::projections
