#include "documents/document.h"

#include "base/assert.h"

namespace wulian::documents {

Document& Document::Heading(std::string text) {
  LEDGER_ASSERT(blocks_.size() < kDocumentBlocksMax, "too many blocks");
  blocks_.push_back(Block{Block::Kind::kHeading, std::move(text), {}, {}});
  return *this;
}

Document& Document::Paragraph(std::string text) {
  LEDGER_ASSERT(blocks_.size() < kDocumentBlocksMax, "too many blocks");
  blocks_.push_back(Block{Block::Kind::kParagraph, std::move(text), {}, {}});
  return *this;
}

Document& Document::KeyValues(std::vector<std::pair<std::string, std::string>> pairs) {
  LEDGER_ASSERT(blocks_.size() < kDocumentBlocksMax, "too many blocks");
  blocks_.push_back(Block{Block::Kind::kKeyValues, "", std::move(pairs), {}});
  return *this;
}

Document& Document::AddTable(Table table) {
  LEDGER_ASSERT(blocks_.size() < kDocumentBlocksMax, "too many blocks");
  LEDGER_ASSERT(!table.columns.empty() && table.columns.size() <= kTableColumnsMax,
                "a table has 1 to kTableColumnsMax columns");
  for (const Column& c : table.columns) LEDGER_ASSERT(c.width > 0, "a column without width");
  for (const auto& row : table.rows) {
    LEDGER_ASSERT(row.size() == table.columns.size(), "a row of another width than its table");
  }
  blocks_.push_back(Block{Block::Kind::kTable, "", {}, std::move(table)});
  return *this;
}

}  // namespace wulian::documents
