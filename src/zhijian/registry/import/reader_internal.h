// Internals of the import readers (reader.h): byte sources, UTF-8 validation, decoding, and the
// per-format factories. Not for use outside registry/import.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "zhijian/base/result.h"
#include "zhijian/registry/import/reader.h"

namespace zhijian::registry::import::internal {

inline constexpr size_t kChunkSize = 1 << 20;

// Raw bytes of a file or of a buffer.
class ByteSource {
 public:
  static Result<std::unique_ptr<ByteSource>> OpenFile(const std::string& path);
  static std::unique_ptr<ByteSource> FromBytes(std::string bytes);
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `buf`; 0 at the end. Error "import.unreadable".
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  virtual uint64_t size() const = 0;
  uint64_t consumed() const { return consumed_; }

 protected:
  uint64_t consumed_ = 0;
};

// The length of the longest prefix of `s` made of complete, valid UTF-8 sequences (no
// overlong forms, no surrogates, nothing above U+10FFFF). *bad is set when what follows the
// prefix is invalid, and cleared when it is only a sequence cut short by the end of `s`.
size_t Utf8ValidPrefix(std::string_view s, bool* bad);
inline bool IsValidUtf8(std::string_view s) {
  bool bad = false;
  return Utf8ValidPrefix(s, &bad) == s.size();
}

// The text of a source as UTF-8, in chunks, with a leading BOM removed.
class TextInput {
 public:
  // Reads the first chunk and settles the encoding (kAuto: see reader.h).
  static Result<std::unique_ptr<TextInput>> Open(std::unique_ptr<ByteSource> source,
                                                 Encoding encoding);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;

  // Replaces *out with the next chunk of text; false at the end. Error "import.bad-encoding"
  // (detail: byte offset).
  Result<bool> Next(std::string* out);
  Encoding encoding() const { return encoding_; }
  uint64_t consumed() const { return source_->consumed(); }
  uint64_t total() const { return source_->size(); }

 private:
  TextInput(std::unique_ptr<ByteSource> source, Encoding encoding);
  Result<void> Decode(std::string_view raw, bool last, std::string* out);

  std::unique_ptr<ByteSource> source_;
  Encoding encoding_;
  void* iconv_ = nullptr;  // iconv_t for GB18030
  std::string first_;      // the raw first chunk, decoded by the first Next()
  bool first_pending_ = true;
  bool at_start_ = true;  // nothing emitted yet (BOM removal)
  bool done_ = false;
  std::string carry_;          // raw bytes of a sequence cut by the chunk end
  uint64_t carry_offset_ = 0;  // file offset of carry_[0]
  std::string raw_;
};

Result<std::unique_ptr<Reader>> OpenCsv(std::unique_ptr<TextInput> input);
Result<std::unique_ptr<Reader>> OpenJson(std::unique_ptr<TextInput> input);
Result<std::unique_ptr<Reader>> OpenXlsxFile(const std::string& path);
Result<std::unique_ptr<Reader>> OpenXlsxBytes(std::string bytes);

// Error helpers.
Error Unreadable(const std::string& detail);
Error BadEncoding(uint64_t offset, std::string_view what);

}  // namespace zhijian::registry::import::internal
