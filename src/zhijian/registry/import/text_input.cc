// Byte sources, UTF-8 validation and GB18030 decoding for the import readers.
#include <errno.h>
#include <iconv.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "zhijian/registry/import/reader_internal.h"

namespace zhijian::registry::import::internal {

Error Unreadable(const std::string& detail) {
  return Error(Error::Kind::kUnavailable, "import.unreadable", "无法读取文件",
               "cannot read the file", detail);
}

Error BadEncoding(uint64_t offset, std::string_view what) {
  return Error::Invalid("import.bad-encoding", "文件编码无效（应为 UTF-8 或 GB18030）",
                        "invalid text encoding (expected UTF-8 or GB18030)",
                        std::string(what) + " at byte " + std::to_string(offset));
}

namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(std::FILE* f, uint64_t size, std::string path)
      : f_(f), size_(size), path_(std::move(path)) {}
  ~FileSource() override { std::fclose(f_); }
  Result<size_t> Read(char* buf, size_t n) override {
    size_t got = std::fread(buf, 1, n, f_);
    if (got < n && std::ferror(f_)) return Unreadable(path_ + ": read error");
    consumed_ += got;
    return got;
  }
  uint64_t size() const override { return size_; }

 private:
  std::FILE* f_;
  uint64_t size_;
  std::string path_;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t got = std::min(n, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, got);
    pos_ += got;
    consumed_ += got;
    return got;
  }
  uint64_t size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

// Reads up to kChunkSize bytes into *out (replacing it).
Result<void> ReadChunk(ByteSource& src, std::string* out) {
  out->resize(kChunkSize);
  size_t total = 0;
  while (total < kChunkSize) {
    auto got = src.Read(out->data() + total, kChunkSize - total);
    if (!got) return got.error();
    if (*got == 0) break;
    total += *got;
  }
  out->resize(total);
  return Ok();
}

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

Result<std::unique_ptr<ByteSource>> ByteSource::OpenFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Unreadable(path + ": " + std::strerror(errno));
  uint64_t size = 0;
  if (std::fseek(f, 0, SEEK_END) == 0) {
    long end = std::ftell(f);
    if (end > 0) size = static_cast<uint64_t>(end);
    std::fseek(f, 0, SEEK_SET);
  }
  return std::unique_ptr<ByteSource>(new FileSource(f, size, path));
}

std::unique_ptr<ByteSource> ByteSource::FromBytes(std::string bytes) {
  return std::make_unique<MemorySource>(std::move(bytes));
}

size_t Utf8ValidPrefix(std::string_view s, bool* bad) {
  *bad = false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      *bad = true;
      return i;
    }
    for (size_t k = 1; k < len; ++k) {
      if (i + k >= n) return i;  // cut short: not bad
      unsigned char b = p[i + k];
      if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
        *bad = true;
        return i;
      }
    }
    i += len;
  }
  return i;
}

TextInput::TextInput(std::unique_ptr<ByteSource> source, Encoding encoding)
    : source_(std::move(source)), encoding_(encoding) {}

TextInput::~TextInput() {
  if (iconv_) iconv_close(static_cast<iconv_t>(iconv_));
}

Result<std::unique_ptr<TextInput>> TextInput::Open(std::unique_ptr<ByteSource> source,
                                                   Encoding encoding) {
  std::unique_ptr<TextInput> in(new TextInput(std::move(source), encoding));
  ZJ_TRY(ReadChunk(*in->source_, &in->first_));
  const bool whole = in->first_.size() < kChunkSize;
  if (encoding == Encoding::kAuto) {
    std::string_view sample = in->first_;
    if (sample.substr(0, 3) == kUtf8Bom) {
      in->encoding_ = Encoding::kUtf8;
    } else if (sample.substr(0, 4) == "\x84\x31\x95\x33") {
      in->encoding_ = Encoding::kGb18030;
    } else {
      bool bad = false;
      size_t valid = Utf8ValidPrefix(sample, &bad);
      if (!bad && (valid == sample.size() || !whole)) {
        in->encoding_ = Encoding::kUtf8;
      } else {
        in->encoding_ = Encoding::kGb18030;  // Decode() reports if it is not GB18030 either
      }
    }
  }
  if (in->encoding_ == Encoding::kGb18030) {
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      return Error::Internal("import.iconv", std::string("iconv_open: ") + std::strerror(errno));
    }
    in->iconv_ = cd;
  }
  return in;
}

Result<void> TextInput::Decode(std::string_view raw, bool last, std::string* out) {
  // raw follows carry_ (an incomplete sequence from the previous chunk).
  std::string_view data = raw;
  if (!carry_.empty()) {
    carry_.append(raw);
    raw_.swap(carry_);
    carry_.clear();
    data = raw_;
  } else {
    carry_offset_ = source_->consumed() - raw.size();
  }
  const uint64_t base = carry_offset_;
  out->clear();
  if (encoding_ == Encoding::kUtf8) {
    bool bad = false;
    size_t valid = Utf8ValidPrefix(data, &bad);
    if (bad) return BadEncoding(base + valid, "invalid UTF-8");
    if (valid < data.size()) {
      if (last) return BadEncoding(base + valid, "truncated UTF-8 sequence");
      carry_.assign(data.substr(valid));
      carry_offset_ = base + valid;
    }
    out->assign(data.substr(0, valid));
    return Ok();
  }
  // GB18030 through iconv.
  auto cd = static_cast<iconv_t>(iconv_);
  out->resize(data.size() * 2 + 16);
  char* in_ptr = const_cast<char*>(data.data());
  size_t in_left = data.size();
  char* out_ptr = out->data();
  size_t out_left = out->size();
  while (in_left > 0) {
    size_t r = iconv(cd, &in_ptr, &in_left, &out_ptr, &out_left);
    if (r != static_cast<size_t>(-1)) break;
    const uint64_t at = base + static_cast<uint64_t>(in_ptr - data.data());
    if (errno == E2BIG) {
      size_t used = static_cast<size_t>(out_ptr - out->data());
      out->resize(out->size() * 2);
      out_ptr = out->data() + used;
      out_left = out->size() - used;
      continue;
    }
    if (errno == EINVAL) {  // incomplete sequence at the end
      if (last) return BadEncoding(at, "truncated GB18030 sequence");
      carry_.assign(in_ptr, in_left);
      carry_offset_ = at;
      break;
    }
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset the state
    return BadEncoding(at, "invalid GB18030");
  }
  out->resize(static_cast<size_t>(out_ptr - out->data()));
  return Ok();
}

Result<bool> TextInput::Next(std::string* out) {
  out->clear();
  while (!done_ && out->empty()) {
    std::string raw;
    if (first_pending_) {
      raw.swap(first_);
      first_pending_ = false;
    } else {
      ZJ_TRY(ReadChunk(*source_, &raw));
    }
    const bool last = raw.size() < kChunkSize;
    ZJ_TRY(Decode(raw, last, out));
    if (last) done_ = true;
    if (at_start_ && !out->empty()) {
      if (std::string_view(*out).substr(0, 3) == kUtf8Bom) out->erase(0, 3);
      at_start_ = false;
    }
  }
  return !out->empty();
}

}  // namespace zhijian::registry::import::internal
