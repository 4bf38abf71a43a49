// JSON (an array of objects, parsed incrementally with Boost.JSON's SAX parser) and JSON Lines.
#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import::internal {
namespace {

namespace json = boost::json;

// Collects records (objects at depth `record_depth`) as rows.
class RecordHandler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  RecordHandler(int record_depth, std::vector<std::string>* columns)
      : record_depth_(record_depth), columns_(columns) {}

  void set_line(int64_t line) { line_ = line; }
  std::deque<Row>& ready() { return ready_; }
  const std::string& failure() const { return failure_; }
  int64_t failure_line() const { return failure_line_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0 && record_depth_ == 2) {
      ++depth_;
      return true;
    }
    if (!CheckRecordPosition("an array", ec)) return false;
    if (depth_ == record_depth_ && !multi_) {
      multi_ = true;
      multi_text_.clear();
      multi_any_ = false;
    } else {
      unsupported_ = true;
    }
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth_;
    if (depth_ == record_depth_ && multi_) {
      multi_ = false;
      if (unsupported_) {
        AddCell(CellType::kUnsupported, "");
        unsupported_ = false;
      } else if (multi_any_) {
        AddCell(CellType::kText, multi_text_);
      }
    }
    return true;
  }
  bool on_object_begin(json::error_code& ec) {
    if (depth_ == record_depth_ - 1) {
      row_ = Row();
      row_.line = line_;
    } else {
      if (!CheckRecordPosition("an object", ec)) return false;
      unsupported_ = true;
    }
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth_;
    if (depth_ == record_depth_ - 1) {
      std::stable_sort(row_.cells.begin(), row_.cells.end(),
                       [](const Cell& a, const Cell& b) { return a.column < b.column; });
      bool blank = true;
      for (const auto& c : row_.cells) blank = blank && c.text.empty();
      if (!blank) ready_.push_back(std::move(row_));
      row_ = Row();
      if (record_depth_ == 2) ++line_;
    } else if (depth_ == record_depth_ && !multi_) {
      AddCell(CellType::kUnsupported, "");
      unsupported_ = false;
    }
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    key_.append(s.data(), s.size());
    if (depth_ == record_depth_) {
      current_key_.swap(key_);
    }
    key_.clear();
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    text_.append(s.data(), s.size());
    return Scalar(CellType::kText, ec);
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(int64_t, json::string_view s, json::error_code& ec) { return Number(s, ec); }
  bool on_uint64(uint64_t, json::string_view s, json::error_code& ec) { return Number(s, ec); }
  bool on_double(double, json::string_view s, json::error_code& ec) { return Number(s, ec); }
  bool on_bool(bool b, json::error_code& ec) {
    text_ = b ? "true" : "false";
    return Scalar(CellType::kBool, ec);
  }
  bool on_null(json::error_code& ec) {
    text_.clear();
    return Scalar(CellType::kText, ec);
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  bool Fail(const std::string& what, json::error_code& ec) {
    failure_ = what;
    failure_line_ = line_;
    ec = json::error::syntax;
    return false;
  }
  // A value where a record must be: only records (objects) are allowed at record_depth - 1.
  bool CheckRecordPosition(const char* what, json::error_code& ec) {
    if (depth_ == record_depth_ - 1) {
      return Fail(std::string(what) + " where a record (object) was expected", ec);
    }
    return true;
  }
  bool Number(json::string_view s, json::error_code& ec) {
    text_.append(s.data(), s.size());
    return Scalar(CellType::kNumber, ec);
  }
  bool Scalar(CellType type, json::error_code& ec) {
    std::string text;
    text.swap(text_);
    if (depth_ == record_depth_ - 1)
      return Fail("a scalar where a record (object) was expected", ec);
    if (depth_ == record_depth_) {
      if (!text.empty()) AddCell(type, std::move(text));
    } else if (multi_ && depth_ == record_depth_ + 1) {
      if (!text.empty()) {
        if (multi_any_) multi_text_.push_back(';');
        multi_text_.append(text);
        multi_any_ = true;
      }
    }
    return true;
  }
  void AddCell(CellType type, std::string text) {
    auto it = index_.find(current_key_);
    int32_t column;
    if (it == index_.end()) {
      column = static_cast<int32_t>(columns_->size());
      columns_->push_back(current_key_);
      index_.emplace(current_key_, column);
    } else {
      column = it->second;
    }
    Cell c;
    c.column = column;
    c.type = type;
    c.line = line_;
    c.text = std::move(text);
    row_.cells.push_back(std::move(c));
  }

  const int record_depth_;
  std::vector<std::string>* columns_;
  std::unordered_map<std::string, int32_t> index_;
  std::deque<Row> ready_;
  Row row_;
  int depth_ = 0;
  int64_t line_ = 1;
  std::string key_, current_key_, text_;
  bool multi_ = false, multi_any_ = false, unsupported_ = false;
  std::string multi_text_;
  std::string failure_;
  int64_t failure_line_ = 0;
};

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

class JsonReader final : public Reader {
 public:
  JsonReader(std::unique_ptr<TextInput> input, bool lines)
      : input_(std::move(input)),
        lines_(lines),
        parser_(json::parse_options{}, lines ? 1 : 2, &columns_) {}

  Result<void> Start(std::string first_chunk) {
    chunk_ = std::move(first_chunk);
    // The header: the keys of the first record.
    ZJ_ASSIGN_OR_RETURN(bool any, Fill());
    if (!any || columns_.empty()) {
      return Error::Invalid("import.empty-file", "文件中没有记录", "the file holds no records");
    }
    return Ok();
  }

  const std::vector<std::string>& columns() const override { return columns_; }

  Result<bool> Next(Row* row) override {
    ZJ_ASSIGN_OR_RETURN(bool any, Fill());
    if (!any) return false;
    *row = std::move(ready().front());
    ready().pop_front();
    return true;
  }

  uint64_t progress_done() const override { return input_->consumed(); }
  uint64_t progress_total() const override { return input_->total(); }
  std::string Where(int64_t line, int32_t column) const override {
    std::string s = std::to_string(line);
    if (column >= 0 && static_cast<size_t>(column) < columns_.size()) s += ":" + columns_[column];
    return s;
  }
  Encoding encoding() const override { return input_->encoding(); }

 private:
  std::deque<Row>& ready() { return parser_.handler().ready(); }

  Error Syntax(const std::string& what, int64_t where) const {
    if (!parser_.handler().failure().empty()) {
      return Error::Invalid("import.json-not-object", "JSON 文件的记录必须是对象",
                            "JSON records must be objects",
                            parser_.handler().failure() + (lines_ ? " at line " : " at record ") +
                                std::to_string(parser_.handler().failure_line()));
    }
    return Error::Invalid("import.json-syntax", "JSON 语法错误", "JSON syntax error",
                          what + (lines_ ? " at line " : " near byte ") + std::to_string(where));
  }

  // Parses until a row is ready or the input ends.
  Result<bool> Fill() {
    while (ready().empty()) {
      if (finished_) return false;
      if (chunk_.empty()) {
        ZJ_ASSIGN_OR_RETURN(bool more, input_->Next(&chunk_));
        if (!more) {
          ZJ_TRY(End());
          finished_ = true;
          continue;
        }
      }
      std::string chunk;
      chunk.swap(chunk_);
      if (lines_) {
        ZJ_TRY(FeedLines(chunk));
      } else {
        ZJ_TRY(FeedArray(chunk));
      }
    }
    return true;
  }

  Result<void> FeedArray(std::string_view s) {
    if (parser_.done()) {
      for (char c : s) {
        if (!IsJsonSpace(c)) return Syntax("text after the top-level array", offset_);
      }
      offset_ += s.size();
      return Ok();
    }
    json::error_code ec;
    size_t used = parser_.write_some(true, s.data(), s.size(), ec);
    if (ec) return Syntax(ec.message(), offset_ + used);
    offset_ += used;
    if (used < s.size()) {
      if (!parser_.done()) return Syntax("parser stopped", offset_);
      return FeedArray(s.substr(used));
    }
    return Ok();
  }

  Result<void> ParseLine(std::string_view line) {
    size_t b = 0;
    while (b < line.size() && IsJsonSpace(line[b])) ++b;
    if (b == line.size()) return Ok();
    parser_.reset();
    parser_.handler().set_line(line_no_);
    json::error_code ec;
    size_t used = parser_.write_some(false, line.data(), line.size(), ec);
    if (ec) return Syntax(ec.message(), line_no_);
    for (size_t i = used; i < line.size(); ++i) {
      if (!IsJsonSpace(line[i])) return Syntax("text after the record", line_no_);
    }
    return Ok();
  }

  Result<void> FeedLines(std::string_view s) {
    size_t start = 0;
    while (true) {
      size_t nl = s.find('\n', start);
      if (nl == std::string_view::npos) {
        pending_.append(s.substr(start));
        return Ok();
      }
      if (pending_.empty()) {
        ZJ_TRY(ParseLine(s.substr(start, nl - start)));
      } else {
        pending_.append(s.substr(start, nl - start));
        ZJ_TRY(ParseLine(pending_));
        pending_.clear();
      }
      ++line_no_;
      start = nl + 1;
    }
  }

  Result<void> End() {
    if (lines_) {
      ZJ_TRY(ParseLine(pending_));
      pending_.clear();
      return Ok();
    }
    if (!parser_.done()) {
      json::error_code ec;
      parser_.write_some(false, nullptr, 0, ec);
      if (ec || !parser_.done()) {
        return Syntax(ec ? ec.message() : "incomplete JSON", offset_);
      }
    }
    return Ok();
  }

  std::unique_ptr<TextInput> input_;
  const bool lines_;
  std::vector<std::string> columns_;
  json::basic_parser<RecordHandler> parser_;
  std::string chunk_;
  std::string pending_;  // JSON Lines: an unfinished line
  int64_t line_no_ = 1;
  uint64_t offset_ = 0;
  bool finished_ = false;
};

}  // namespace

Result<std::unique_ptr<Reader>> OpenJson(std::unique_ptr<TextInput> input) {
  std::string first;
  ZJ_ASSIGN_OR_RETURN(bool any, input->Next(&first));
  size_t i = 0;
  while (any && i < first.size() && IsJsonSpace(first[i])) ++i;
  if (!any || i == first.size()) {
    return Error::Invalid("import.empty-file", "文件中没有记录", "the file holds no records");
  }
  const bool lines = first[i] != '[';
  auto r = std::make_unique<JsonReader>(std::move(input), lines);
  ZJ_TRY(r->Start(std::move(first)));
  return std::unique_ptr<Reader>(std::move(r));
}

}  // namespace zhijian::registry::import::internal
