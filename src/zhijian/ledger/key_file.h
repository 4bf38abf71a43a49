// Key files: where `zhijian keys init` keeps the log's signer key (note.h), outside the database.
//
// Purpose: the only file I/O of the ledger core, kept out of the pure headers. A key file holds
// one key text (signer or verifier key) followed by a newline.
//
// SaveKeyFile creates the file exclusively (it never overwrites a key: losing the signer key
// means the log can never sign again) with mode 0600, writes, fsyncs the file and its
// directory. LoadKeyFile reads one key text, strips a single trailing newline, and — when
// `secret` is true — refuses a file that group or others may read or write (as ssh does), so a
// leaked-permission signer key is noticed instead of used.
//
// Thread-safety: the functions may be called from any thread; concurrent saves to one path:
// one wins, the others get "key-file.exists".
// Errors: "key-file.exists" (kConflict), "key-file.io" (kUnavailable; detail: path and errno
// text), "key-file.insecure" (kPermissionDenied; mode bits in detail), "key-file.malformed"
// (kInvalidArgument: empty, several lines, or larger than 64 KiB).
#pragma once

#include <string>
#include <string_view>

#include "zhijian/base/result.h"

namespace zhijian::ledger {

Result<void> SaveKeyFile(const std::string& path, std::string_view key_text);
Result<std::string> LoadKeyFile(const std::string& path, bool secret = true);

}  // namespace zhijian::ledger
