// CSV (RFC 4180 with the leniency of reader.h), streamed over decoded text chunks.
#include <deque>
#include <string>
#include <vector>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import::internal {
namespace {

class CsvReader final : public Reader {
 public:
  explicit CsvReader(std::unique_ptr<TextInput> input) : input_(std::move(input)) {}

  Result<void> ReadHeader() {
    Row header;
    ZJ_ASSIGN_OR_RETURN(bool any, Next(&header));
    if (!any) {
      return Error::Invalid("import.empty-file", "文件为空（没有表头行）",
                            "the file is empty (no header row)");
    }
    for (auto& c : header.cells) columns_.push_back(std::move(c.text));
    return Ok();
  }

  const std::vector<std::string>& columns() const override { return columns_; }

  Result<bool> Next(Row* row) override {
    while (ready_.empty()) {
      if (eof_) return false;
      ZJ_ASSIGN_OR_RETURN(bool more, input_->Next(&chunk_));
      if (more) {
        Feed(chunk_);
      } else {
        eof_ = true;
        ZJ_TRY(Finish());
      }
    }
    *row = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

  uint64_t progress_done() const override { return input_->consumed(); }
  uint64_t progress_total() const override { return input_->total(); }
  std::string Where(int64_t line, int32_t column) const override {
    return std::to_string(line) + ":" + std::to_string(column + 1);
  }
  Encoding encoding() const override { return input_->encoding(); }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted, kAfterCr };

  void StartFieldIfNeeded() {
    if (field_open_) return;
    field_open_ = true;
    field_line_ = line_;
    if (row_.cells.empty()) row_.line = line_;
  }
  void EndField() {
    StartFieldIfNeeded();
    Cell c;
    c.column = static_cast<int32_t>(row_.cells.size());
    c.line = field_line_;
    c.text.swap(field_);
    row_.cells.push_back(std::move(c));
    field_open_ = false;
  }
  void EndRow() {
    EndField();
    bool blank = true;
    for (const auto& c : row_.cells) {
      if (!c.text.empty()) {
        blank = false;
        break;
      }
    }
    if (!blank) ready_.push_back(std::move(row_));
    row_ = Row();
  }

  void Feed(std::string_view s) {
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
      const char c = s[i];
      switch (state_) {
        case State::kAfterCr:
          state_ = State::kFieldStart;
          if (c == '\n') {
            ++i;
            continue;
          }
          [[fallthrough]];
        case State::kFieldStart:
          StartFieldIfNeeded();
          if (c == '"') {
            state_ = State::kQuoted;
            ++i;
            continue;
          }
          state_ = State::kUnquoted;
          [[fallthrough]];
        case State::kUnquoted: {
          size_t j = i;
          while (j < n && s[j] != ',' && s[j] != '\n' && s[j] != '\r') ++j;
          field_.append(s.data() + i, j - i);
          i = j;
          if (i == n) break;
          Delimiter(s[i]);
          ++i;
          break;
        }
        case State::kQuoted: {
          size_t j = i;
          while (j < n && s[j] != '"' && s[j] != '\n') ++j;
          field_.append(s.data() + i, j - i);
          i = j;
          if (i == n) break;
          if (s[i] == '\n') {
            field_.push_back('\n');
            ++line_;
          } else {
            state_ = State::kQuoteInQuoted;
          }
          ++i;
          break;
        }
        case State::kQuoteInQuoted:
          if (c == '"') {
            field_.push_back('"');
            state_ = State::kQuoted;
            ++i;
          } else if (c == ',' || c == '\n' || c == '\r') {
            Delimiter(c);
            ++i;
          } else {
            state_ = State::kUnquoted;  // text after the closing quote: kept
          }
          break;
      }
    }
  }

  // Handles ',', '\n' or '\r' outside quotes.
  void Delimiter(char c) {
    if (c == ',') {
      EndField();
      state_ = State::kFieldStart;
      return;
    }
    EndRow();
    ++line_;
    state_ = c == '\r' ? State::kAfterCr : State::kFieldStart;
  }

  Result<void> Finish() {
    if (state_ == State::kQuoted) {
      return Error::Invalid("import.csv-unterminated-quote", "引号未闭合：该字段一直延续到文件末尾",
                            "unterminated quoted field: it runs to the end of the file",
                            "line " + std::to_string(field_line_));
    }
    if (field_open_ || !row_.cells.empty()) EndRow();
    return Ok();
  }

  std::unique_ptr<TextInput> input_;
  std::vector<std::string> columns_;
  std::string chunk_;
  std::deque<Row> ready_;
  Row row_;
  std::string field_;
  bool field_open_ = false;
  int64_t field_line_ = 1;
  int64_t line_ = 1;
  State state_ = State::kFieldStart;
  bool eof_ = false;
};

}  // namespace

Result<std::unique_ptr<Reader>> OpenCsv(std::unique_ptr<TextInput> input) {
  auto r = std::make_unique<CsvReader>(std::move(input));
  ZJ_TRY(r->ReadHeader());
  return std::unique_ptr<Reader>(std::move(r));
}

}  // namespace zhijian::registry::import::internal
