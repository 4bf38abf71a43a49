// Subcommands of `zhijian` that live in their own files. Each Add*Command adds its subcommand
// (with options) to `app`; when that subcommand is chosen, its callback runs it and stores the
// process exit code in *exit_code (0 ok, 1 failure). `db_url` is the --db of the main command,
// read when the callback runs (after parsing).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace zhijian::cli {

// `zhijian import <kind> FILE [--dry-run]` (registry/import).
void AddImportCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian gen registry --scale demo|province|national --seed N --out DIR [--load]`.
void AddGenCommand(CLI::App& app, const std::string& db_url, int* exit_code);
// `zhijian quality run [--region R] [--today D] [--json] ...` (quality_cmd.cc).
void AddQualityCommand(CLI::App& app, const std::string& db_url, int* exit_code);

}  // namespace zhijian::cli
