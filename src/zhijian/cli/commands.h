// Subcommands of `zhijian` that live in their own files. Each Add*Command adds its subcommand
// (with options) to `app`; when that subcommand is chosen, its callback runs it and stores the
// process exit code in *exit_code (0 ok, 1 failure). `db_url` is the --db of the main command,
// read when the callback runs (after parsing).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "zhijian/base/result.h"

namespace zhijian::store {
class Database;
}
namespace zhijian::ledger {
class LedgerService;
}  // namespace zhijian::ledger
namespace zhijian::store {
class Database;
}  // namespace zhijian::store

namespace zhijian::cli {

// `zhijian import <kind> FILE [--dry-run]` (registry/import).
void AddImportCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian gen registry --scale demo|province|national --seed N --out DIR [--load]`.
void AddGenCommand(CLI::App& app, const std::string& db_url, int* exit_code);
void AddQualityCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian check FILE... [--json] [--store] [--today D] [--fail-on S]` and `check --pending`
// (report compliance checks, check_cmd.cc).
void AddCheckCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian intake FILE... [--json]`: reads test reports (PDF, scans, images) into fields.
// --hints corrects OCR readings against the registry of --db.
void AddIntakeCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian keys init`, `reports register`, `log audit`, `verify --offline` (ledger_cmd.cc); also
// adds --log-key, --public-url, --checkpoint-every and --checkpoint-ms to `serve`, which then
// runs OpenServeLedger (the QR URL defaults to http://127.0.0.1:`port`) and, once the server
// has bound its port, ServeLedgerStarted (without --public-url the QR URL then names the bound
// port, which `--port 0` only knows after binding). `on_append` is called after every
// registration call that appended to the log (the arrival checks listen).
void AddLedgerCommand(CLI::App& app, const std::string& db_url, int* exit_code);
Result<std::unique_ptr<ledger::LedgerService>> OpenServeLedger(
    store::Database& db, uint16_t port, std::function<void(uint64_t)> on_append = nullptr);
void ServeLedgerStarted(ledger::LedgerService& ledger, uint16_t bound_port);

}  // namespace zhijian::cli
