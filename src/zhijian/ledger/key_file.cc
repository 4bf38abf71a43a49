#include "zhijian/ledger/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace zhijian::ledger {
namespace {

constexpr size_t kMaxKeyFile = 64 * 1024;

Error Io(const std::string& path, std::string_view what, int err) {
  return Error(Error::Kind::kUnavailable, "key-file.io", "密钥文件读写失败", "key file I/O failed",
               path + ": " + std::string(what) + ": " + std::strerror(err));
}

Error Malformed(const std::string& path, std::string_view why) {
  return Error::Invalid("key-file.malformed", "密钥文件内容无效", "malformed key file",
                        path + ": " + std::string(why));
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<void> SaveKeyFile(const std::string& path, std::string_view key_text) {
  if (key_text.empty() || key_text.find('\n') != std::string_view::npos ||
      key_text.size() >= kMaxKeyFile) {
    return Malformed(path, "a key is one non-empty line");
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Error(Error::Kind::kConflict, "key-file.exists", "密钥文件已存在，不会覆盖",
                   "the key file exists and is never overwritten", path);
    }
    return Io(path, "create", errno);
  }
  // The umask cannot widen 0600, but be explicit in case the file system ignores the mode.
  std::string data(key_text);
  data += '\n';
  bool ok = ::fchmod(fd, 0600) == 0;
  int err = ok ? 0 : errno;
  for (size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      err = errno;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (ok && ::fsync(fd) != 0) {
    ok = false;
    err = errno;
  }
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(path.c_str());
    return Io(path, "write", err);
  }
  const int dir = ::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Ok();
}

Result<std::string> LoadKeyFile(const std::string& path, bool secret) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Io(path, "open", errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Io(path, "stat", err);
  }
  if (secret && (st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Error(
        Error::Kind::kPermissionDenied, "key-file.insecure", "私钥文件的权限过宽（应为 0600）",
        "the private key file is accessible to others (want mode 0600)", path + ": mode " + mode);
  }
  std::string data;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Io(path, "read", err);
    }
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxKeyFile) {
      ::close(fd);
      return Malformed(path, "larger than 64 KiB");
    }
  }
  ::close(fd);
  if (!data.empty() && data.back() == '\n') data.pop_back();
  if (!data.empty() && data.back() == '\r') data.pop_back();
  if (data.empty() || data.find('\n') != std::string::npos) {
    return Malformed(path, "a key file holds one non-empty line");
  }
  return data;
}

}  // namespace zhijian::ledger
